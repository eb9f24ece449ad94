/**
 * A loopback stand-in for Cloudflare's purge-by-URL endpoint that checks each request exactly as the
 * API documents it (developers.cloudflare.com/cache/how-to/purge-cache/purge-by-single-file/ and the
 * API reference "Purge Cached Content"):
 *   POST /client/v4/zones/{zone_id}/purge_cache
 *   Authorization: Bearer <API token>
 *   Content-Type: application/json
 *   {"files":["https://example.com/a", ...]}   at most 100 URLs a request, each absolute http(s)
 * It answers `{"success":true,"errors":[],"messages":[],"result":{"id":...}}`, or what a test scripts
 * (429 with Retry-After, 5xx, 403), and records every request and every violation it saw.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface PurgeCall {
  readonly files: readonly string[];
}

export interface FakeCloudflare {
  readonly apiBase: string;
  readonly calls: PurgeCall[];
  /** What was wrong with any request, in words (a test asserts it stays empty). */
  readonly violations: string[];
  /** Answers for the next requests, in order; then success. */
  script(...statuses: number[]): void;
  close(): Promise<void>;
}

const MAX_FILES = 100;

function check(req: IncomingMessage, body: string, zoneId: string, token: string): { problems: string[]; files: string[] } {
  const problems: string[] = [];
  if (req.method !== 'POST') problems.push(`method ${req.method}`);
  if (req.url !== `/client/v4/zones/${zoneId}/purge_cache`) problems.push(`path ${req.url}`);
  if (req.headers.authorization !== `Bearer ${token}`) problems.push(`authorization ${req.headers.authorization}`);
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) problems.push(`content-type ${req.headers['content-type']}`);
  let files: string[] = [];
  try {
    const parsed = JSON.parse(body) as unknown;
    const keys = typeof parsed === 'object' && parsed !== null ? Object.keys(parsed) : [];
    const list = (parsed as { files?: unknown }).files;
    if (keys.length !== 1 || !Array.isArray(list)) problems.push(`body ${body.slice(0, 100)}`);
    else files = list.map(String);
  } catch {
    problems.push('body is not JSON');
  }
  if (files.length === 0 || files.length > MAX_FILES) problems.push(`${files.length} files in one request`);
  for (const file of files) if (!/^https?:\/\/[^/]+\//.test(file)) problems.push(`file ${file} is not an absolute URL`);
  return { problems, files };
}

export async function startFakeCloudflare(zoneId: string, token: string): Promise<FakeCloudflare> {
  const calls: PurgeCall[] = [];
  const violations: string[] = [];
  const scripted: number[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { problems, files } = check(req, Buffer.concat(chunks).toString(), zoneId, token);
      violations.push(...problems);
      const status = scripted.shift() ?? 200;
      res.setHeader('content-type', 'application/json');
      if (status === 429) res.setHeader('retry-after', '1');
      if (status === 200 && problems.length === 0) {
        calls.push({ files });
        res.end(JSON.stringify({ success: true, errors: [], messages: [], result: { id: zoneId } }));
        return;
      }
      res.statusCode = problems.length > 0 ? 400 : status;
      res.end(JSON.stringify({ success: false, errors: [{ code: 1000 + res.statusCode, message: problems.join('; ') || 'scripted' }], messages: [], result: null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    apiBase: `http://127.0.0.1:${port}/client/v4`,
    calls,
    violations,
    script: (...statuses) => scripted.push(...statuses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
