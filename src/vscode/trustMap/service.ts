/**
 * The trust maps of the open workspaces, for the Connections nodes, the diagnostics and the commands.
 * Server observations are fetched only on a person's explicit action and remembered per workspace in the
 * extension's workspaceState (never in the repository), so later maps are decided offline.
 */
import * as vscode from 'vscode';
import type { MiWorkspace } from '../../core/workspace/discover';
import { buildTrustMap, serverKey, type TrustMap } from '../../core/tls/trustMap';
import type { ServerObservation } from '../../core/tls/verdict';
import type { Deps } from '../deps';

const STATE_KEY = 'miKeystores.tlsObservations';
/** Observations kept per workspace at most (a workspace naming more servers keeps the latest). */
const MAX_REMEMBERED = 500;
/** Per handshake, as the CLI's default. */
const TIMEOUT_MS = 5000;

/** Builds, keeps and announces the trust maps. */
export class TrustMapService implements vscode.Disposable {
  private readonly maps = new Map<string, TrustMap>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after a map was rebuilt. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly deps: Deps,
    private readonly state: vscode.Memento,
  ) {}

  /** The last map of a workspace, if built. */
  mapOf(ws: MiWorkspace): TrustMap | undefined {
    return this.maps.get(ws.deploymentToml);
  }

  /** Every map built so far. */
  all(): TrustMap[] {
    return [...this.maps.values()];
  }

  /** What the last look at `host:port` saw, remembered for `ws`. */
  observationOf(ws: MiWorkspace, host: string, port: number): ServerObservation | undefined {
    return this.remembered(ws).get(serverKey(host, port));
  }

  private remembered(ws: MiWorkspace): Map<string, ServerObservation> {
    const all = this.state.get<Record<string, ServerObservation[]>>(STATE_KEY, {});
    return new Map((all[ws.deploymentToml] ?? []).map((o) => [serverKey(o.host, o.port), o]));
  }

  private async remember(ws: MiWorkspace, observations: readonly ServerObservation[]): Promise<void> {
    if (!observations.length) return;
    const all = { ...this.state.get<Record<string, ServerObservation[]>>(STATE_KEY, {}) };
    const merged = this.remembered(ws);
    for (const o of observations) merged.set(serverKey(o.host, o.port), o);
    all[ws.deploymentToml] = [...merged.values()].slice(-MAX_REMEMBERED);
    await this.state.update(STATE_KEY, all);
  }

  /**
   * Rebuilds the map of `ws`: offline from remembered observations, or looking at the servers first when
   * `connect` (a person asked; `only` limits it to some `host:port`). Nothing at all in an untrusted workspace.
   */
  async refresh(ws: MiWorkspace, connect = false, only?: ReadonlySet<string>): Promise<TrustMap | undefined> {
    if (!this.deps.model.trusted) return undefined;
    const map = await buildTrustMap(ws, {
      // The extension host's environment is VS Code's, not the one MI will start with ($env{HOSTNAME} is a
      // container's id in a dev container): references to it stay unresolved, as in the checks.
      env: {},
      cache: this.deps.model.cache,
      observations: this.remembered(ws),
      ...(connect ? { connect: { timeoutMs: TIMEOUT_MS, ...(only ? { only } : {}) } } : {}),
      workspaceFolder: vscode.workspace.getWorkspaceFolder(vscode.Uri.file(ws.root))?.uri.fsPath ?? ws.root,
    });
    await this.remember(ws, map.observations);
    this.maps.set(ws.deploymentToml, map);
    for (const n of map.notes) this.deps.log.info(n);
    if (connect) this.deps.log.info(`Tested ${map.observations.length} TLS server(s) of ${ws.root}.`);
    this.changed.fire();
    return map;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
