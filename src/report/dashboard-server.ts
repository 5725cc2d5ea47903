/**
 * `deja serve`: the report's page over HTTP, live. Each poll of /api/report
 * folds in what the runs appended since the last one (and picks up new run
 * folders in a parent folder); the reply is new JSON only when something
 * changed. Read-only: GET and HEAD, two routes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reportData, TOP_CLASSES } from './build-report.js';
import { reportPage } from './report-page.js';
import { RunFolder } from './run-folder.js';
import { resolveRunFolders } from './run-folders.js';

export interface DashboardOptions {
  port?: number;
  /** Loopback unless told otherwise. */
  host?: string;
  topClasses?: number;
}

export interface Dashboard {
  url: string;
  close(): Promise<void>;
}

class LiveRuns {
  private readonly folders = new Map<string, RunFolder>();
  private version = 0;
  private json: string | null = null;
  private busy: Promise<void> = Promise.resolve();

  constructor(private readonly sources: readonly string[], private readonly topClasses: number) {
    resolveRunFolders(sources, true); // bad folders fail now, in one line
  }

  /** The current version and its JSON, refreshed first; one refresh at a time. */
  current(): Promise<{ version: string; json: string }> {
    const next = this.busy.then(() => this.refresh());
    this.busy = next.then(() => undefined, () => undefined);
    return next;
  }

  private async refresh(): Promise<{ version: string; json: string }> {
    const refs = resolveRunFolders(this.sources, true);
    let changed = refs.length !== this.folders.size || refs.some((r) => !this.folders.has(r.dir));
    if (changed) {
      for (const dir of [...this.folders.keys()]) if (!refs.some((r) => r.dir === dir)) this.folders.delete(dir);
      for (const r of refs) if (!this.folders.has(r.dir)) this.folders.set(r.dir, new RunFolder(r.dir, r.label));
    }
    for (const folder of this.folders.values()) changed = (await folder.refresh(false)) || changed;
    if (changed || this.json === null) {
      this.version++;
      const ordered = refs.map((r) => this.folders.get(r.dir)!);
      this.json = JSON.stringify({ version: String(this.version), data: await reportData(ordered, this.topClasses) });
    }
    return { version: String(this.version), json: this.json };
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function handler(live: LiveRuns, page: string) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'read-only\n');
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', page);
    if (url.pathname !== '/api/report') return send(res, 404, 'text/plain', 'not found\n');
    try {
      const { version, json } = await live.current();
      if (url.searchParams.get('since') === version) return void res.writeHead(204).end();
      send(res, 200, 'application/json', json);
    } catch (error) {
      send(res, 500, 'text/plain', `${(error as Error).message}\n`);
    }
  };
}

export async function startDashboard(sources: readonly string[], options: DashboardOptions = {}): Promise<Dashboard> {
  const live = new LiveRuns(sources, options.topClasses ?? TOP_CLASSES);
  const server: Server = createServer(handler(live, reportPage(null, 'deja serve')));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
