/** What the composition root builds once and hands to every feature's `register`. */
import type { Log } from './log';
import type { PasswordStore } from './passwords';
import type { WorkspaceModel } from './workspaceModel';

/** The shared dependencies of the features. */
export interface Deps {
  readonly log: Log;
  readonly passwords: PasswordStore;
  readonly model: WorkspaceModel;
}
