/** Progress for slow command work, shown only when the work is slow enough to notice. */
import * as vscode from 'vscode';

/** Runs `work`, showing a progress notification only when it takes longer than ~300 ms. */
export async function withProgress<T>(title: string, work: () => Promise<T>): Promise<T> {
  const running = work();
  let finished = false;
  void running.then(
    () => (finished = true),
    () => (finished = true),
  );
  const timer = setTimeout(() => {
    if (finished) return;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, () =>
      running.catch(() => undefined),
    );
  }, 300);
  try {
    return await running;
  } finally {
    clearTimeout(timer);
  }
}
