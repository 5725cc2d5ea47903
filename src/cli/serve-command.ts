import { startDashboard } from '../report/dashboard-server.js';
import { CliError } from './cli-error.js';

export interface ServeCommandOptions {
  port?: number;
  host: string;
}

/** Serves the live dashboard until Ctrl-C. */
export async function serveCommand(dirs: string[], options: ServeCommandOptions): Promise<void> {
  const dashboard = await startDashboard(dirs, { port: options.port, host: options.host }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new CliError(`serve: --port ${options.port} is in use; pick another or leave --port out for a free one`);
    if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') throw new CliError(`serve: --host ${options.host} is not an address of this machine`);
    throw error;
  });
  process.stdout.write(`deja: dashboard of ${dirs.join(', ')} at ${dashboard.url} (read-only; Ctrl-C stops it)\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  await dashboard.close();
}
