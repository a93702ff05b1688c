/**
 * A minimal Chrome DevTools Protocol client over a pipe (`--remote-debugging-pipe`: we write on the
 * child's fd 3, read its fd 4, messages end with NUL), for rendering the HTML report in Debian's
 * headless `chromium`: load a file, count every network request, evaluate DOM expressions, take a
 * screenshot. No network port is opened; the browser runs with a throwaway profile.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The chromium binary, or null when it is not installed. */
export function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() !== '') return r.stdout.trim();
  }
  return null;
}

interface Pending {
  resolve(value: Record<string, unknown>): void;
  reject(error: Error): void;
}

export interface LoadedPage {
  /** Every URL the page asked for (requestWillBeSent), the document itself included. */
  requests: string[];
  evaluate<T>(expression: string): Promise<T>;
  /** A full-page PNG. */
  screenshot(width: number): Promise<Buffer>;
}

export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: Array<(m: Record<string, unknown>) => void> = [];
  private buffer = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const out = child.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (data: string) => {
      this.buffer += data;
      let end = this.buffer.indexOf('\0');
      while (end >= 0) {
        const message = JSON.parse(this.buffer.slice(0, end)) as Record<string, unknown>;
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(message);
        end = this.buffer.indexOf('\0');
      }
    });
  }

  static launch(binary: string): Chromium {
    const profile = mkdtempSync(join(tmpdir(), 'boxaudit-chromium-'));
    const child = spawn(
      binary,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-extensions',
        '--hide-scrollbars',
        '--remote-debugging-pipe',
        `--user-data-dir=${profile}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    return new Chromium(child, profile);
  }

  private dispatch(message: Record<string, unknown>): void {
    const id = message.id;
    if (typeof id === 'number' && this.pending.has(id)) {
      const p = this.pending.get(id)!;
      this.pending.delete(id);
      if (message.error) p.reject(new Error(JSON.stringify(message.error)));
      else p.resolve((message.result ?? {}) as Record<string, unknown>);
      return;
    }
    for (const l of this.listeners) l(message);
  }

  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const input = this.child.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /** Load `url` in a new tab and wait for its load event; every request is recorded from the start. */
  async load(url: string): Promise<LoadedPage> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as {
      targetId: string;
    };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    };
    const requests: string[] = [];
    let loaded!: () => void;
    const onLoad = new Promise<void>((resolve) => {
      loaded = resolve;
    });
    this.listeners.push((m) => {
      if (m.sessionId !== sessionId) return;
      if (m.method === 'Network.requestWillBeSent') {
        requests.push(String((m.params as { request: { url: string } }).request.url));
      }
      if (m.method === 'Page.loadEventFired') loaded();
    });
    await this.send('Network.enable', {}, sessionId);
    await this.send('Page.enable', {}, sessionId);
    await this.send('Page.navigate', { url }, sessionId);
    await onLoad;
    const evaluate = async <T>(expression: string): Promise<T> => {
      const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)) as {
        result: { value: T };
        exceptionDetails?: unknown;
      };
      if (r.exceptionDetails) throw new Error(`evaluate failed: ${JSON.stringify(r.exceptionDetails)}`);
      return r.result.value;
    };
    const screenshot = async (width: number): Promise<Buffer> => {
      await this.send('Page.bringToFront', {}, sessionId);
      const height = await evaluate<number>('Math.ceil(document.documentElement.scrollHeight)');
      await this.send(
        'Emulation.setDeviceMetricsOverride',
        { width, height: Math.min(height, 16_000), deviceScaleFactor: 1, mobile: false },
        sessionId,
      );
      const { data } = (await this.send('Page.captureScreenshot', { format: 'png' }, sessionId)) as {
        data: string;
      };
      return Buffer.from(data, 'base64');
    };
    return { requests, evaluate, screenshot };
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    await this.send('Browser.close').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(this.profile, { recursive: true, force: true });
  }
}
