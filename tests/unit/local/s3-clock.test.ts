/**
 * The local S3 on emulated time (local/lambda/clock.ts): functions sign on the
 * emulated clock (their SDK's skew correction is off, local/lambda/runtime.ts),
 * the test process on the real one. Header-signed requests of both are
 * accepted within S3's 15 minutes of their clock, no further; presigned URLs
 * expire on the emulated clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startS3, type S3Emulator } from '../../../local/emulators/s3.ts';
import { LocalClock } from '../../../local/lambda/clock.ts';

const DAY = 86_400_000;
const BUCKET = 'materials';

let dir: string;
let s3emu: S3Emulator;
const clock = new LocalClock();
const clients: S3Client[] = [];

/**
 * A client whose clock is `aheadMs` ahead of the real one for its first request
 * (the server's Date corrects it after that: one request per client), failing
 * at once on a refusal.
 */
function clientAhead(aheadMs: number): S3Client {
  const client = new S3Client({
    endpoint: s3emu.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    systemClockOffset: aheadMs,
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

const put = (client: S3Client, key: string) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
const errorName = (p: Promise<unknown>) => p.then(() => 'ok', (err: Error) => err.name);
const code = async (res: Response) => /<Code>([^<]*)<\/Code>/.exec(await res.text())?.[1];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 's3-clock-'));
  s3emu = await startS3({ port: 0, dir, log: () => {}, clock });
  await clientAhead(0).send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await s3emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the local S3 on emulated time', () => {
  const real = () => clientAhead(0);
  const function30 = () => clientAhead(30 * DAY);

  it('at offset 0, refuses a request signed 30 days ahead (RequestTimeTooSkewed), as S3 does', async () => {
    expect(await errorName(put(function30(), 'early'))).toBe('RequestTimeTooSkewed');
    expect(await errorName(put(real(), 'now'))).toBe('ok');
  });

  it('once the clock is 30 days ahead, accepts the functions\' requests and the real-time ones, and nothing 15 minutes off both', async () => {
    const url = await getSignedUrl(real(), new GetObjectCommand({ Bucket: BUCKET, Key: 'now' }), { expiresIn: 300 });
    expect((await fetch(url)).status).toBe(200);
    clock.advanceBy(30 * DAY);
    expect(await errorName(put(function30(), 'from-function'))).toBe('ok');
    const out = await function30().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'from-function' }));
    expect(await out.Body!.transformToString()).toBe('from-function');
    expect(await errorName(put(real(), 'from-test'))).toBe('ok');
    expect(await errorName(put(clientAhead(30 * DAY + 20 * 60_000), 'skewed'))).toBe('RequestTimeTooSkewed');
    expect(await errorName(put(clientAhead(15 * DAY), 'between'))).toBe('RequestTimeTooSkewed');
    // Signed in real time before the jump: 30 days old now.
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await code(expired)).toBe('AccessDenied');
  });

  it('lets a presigned URL of a function live its lifetime on the emulated clock, used by a real-time browser', async () => {
    // A function's presigner dates the URL by its `new Date()`: the emulated now.
    const presign = (signingDate: Date) => getSignedUrl(real(), new GetObjectCommand({ Bucket: BUCKET, Key: 'from-function' }), { expiresIn: 300, signingDate });
    expect((await fetch(await presign(clock.now()))).status).toBe(200);
    // Signed 10 emulated minutes ago for 5: expired, though 30 real days from its expiry.
    const old = await presign(new Date(clock.now().getTime() - 10 * 60_000));
    const res = await fetch(old);
    expect(res.status).toBe(403);
    expect(await code(res)).toBe('AccessDenied');
  });
});
