// `npm start`: the product, running. Builds and packages the extension, installs the .vsix into a local
// VS Code server (code-server from npm on Node 24, installed on first use into .vscode-test/), creates
// the demo workspace (demo/, made by scripts/makeDemo.mjs with the product's own engine) when absent and
// serves it on 127.0.0.1 only, as the folder the plain address opens.
// PORT picks the port (default 8080). Ctrl-C stops every process this script started.
import path from 'node:path';
import { ensureProjectDependencies, ensureVscodeServer, installVsix, prepareUserData, startServer, toolsDir } from './vscodeServer.mjs';

async function main() {
  ensureProjectDependencies();
  // Imported after `npm ci` so a fresh clone works; these modules need nothing from node_modules anyway.
  const { packageExtension } = await import('./package.mjs');
  const { makeDemo } = await import('./makeDemo.mjs');

  const vsix = packageExtension();
  ensureVscodeServer();
  const home = path.join(toolsDir, 'start');
  const userDataDir = prepareUserData(path.join(home, 'user-data'), { 'workbench.colorTheme': 'Default Dark Modern' });
  const extensionsDir = path.join(home, 'extensions');
  installVsix({ vsix, userDataDir, extensionsDir });
  const demo = await makeDemo();

  const port = Number(process.env.PORT ?? 8080);
  const server = await startServer({ userDataDir, extensionsDir, port, folder: demo, timeoutMs: 120_000 });
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the VS Code server…');
    await server.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(0));
  server.child.on('exit', (code) => {
    if (!stopping) {
      console.error(`the VS Code server stopped (exit ${code}):\n${server.getLog()}`);
      process.exit(1);
    }
  });

  console.log(`\nMI Keystores is running in VS Code with the demo workspace (${path.relative(process.cwd(), demo) || demo}):\n`);
  console.log(`  ${server.url}\n`);
  console.log('Open demo/mi-runtime/conf/deployment.toml to see the findings. Press Ctrl-C to stop.');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
