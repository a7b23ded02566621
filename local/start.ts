/**
 * `npm start [-- --reset] [-- --port N]`: the whole stack on this machine, state
 * in <repo>/.local, the demo center seeded on first start. Ctrl-C stops
 * everything (the DynamoDB Local JVM included).
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, startLocalCloud, type LocalCloud } from './cloud.ts';
import { preferPort } from './emulators/ports.ts';
import { seedDemoCenter } from './seed/index.ts';

const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    port: { type: 'string' },
    host: { type: 'string' },
    'skip-synth': { type: 'boolean', default: false },
    'schedule-speedup': { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

const port = Number(values.port ?? process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid port ${values.port ?? process.env.PORT}`);
  process.exit(2);
}
const dataDir = path.join(repoRoot, '.local');
const started = Date.now();

let cloud: LocalCloud | undefined;
let stoppingSince = 0;
async function shutdown(signal: string): Promise<void> {
  if (stoppingSince) {
    // Ctrl-C reaches us twice (from the terminal and relayed by tsx): only a later one forces the exit.
    if (Date.now() - stoppingSince < 1000) return;
    console.log('forced exit');
    process.exit(1);
  }
  stoppingSince = Date.now();
  console.log(`\n${signal}: stopping the local cloud…`);
  await cloud?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  // Stable ports next to the API's when free (bookmarkable SES page), else any free port.
  const [busPort, sesPort, dynamoPort, s3Port] = port === 0 ? [0, 0, 0, 0] : await Promise.all([1, 2, 3, 4].map((i) => preferPort(port + i)));
  cloud = await startLocalCloud({
    port,
    busPort,
    sesPort,
    dynamoPort,
    s3Port,
    host: values.host ?? process.env.HOST,
    dataDir,
    reset: values.reset,
    skipSynth: values['skip-synth'],
    scheduleSpeedup: values['schedule-speedup'] ? Number(values['schedule-speedup']) : undefined,
    quiet: values.quiet,
  });
} catch (err) {
  console.error(`\nthe local cloud could not start:\n${(err as Error).message}`);
  process.exit(1);
}

const marker = path.join(dataDir, 'seeded.json');
if (!existsSync(marker)) {
  try {
    const result = await seedDemoCenter(cloud, (l) => console.log(l));
    writeFileSync(marker, JSON.stringify({ seededAt: new Date().toISOString(), ...result }, null, 2));
  } catch (err) {
    // Not fatal (the stack still runs), but loud; the next start tries again.
    console.error(`\n!!! SEEDING FAILED — the demo center is incomplete (it is retried on the next start):\n!!! ${(err as Error).message}\n`);
  }
}

const u = cloud.apiUrl;
const lines = [
  '',
  'OneStop local cloud',
  `  HTTP API         ${u}`,
  `  API reference    ${u}/docs/  (web pages at ${u}/)`,
  ...(cloud.socketUrl ? [`  WebSocket API    ${cloud.socketUrl}?centerId=<center>  (hall displays at ${u}/hall/<centerId>)`] : []),
  `  JWKS             ${cloud.jwksUrl}`,
  `  token endpoint   POST ${u}/local/token  {"username":"<demo user>"}`,
  `  OAuth (systems)  POST ${u}/local/oauth2/token  grant_type=client_credentials, Basic <id:secret> of GET ${u}/local/service-clients`,
  `  DLQ admin        GET ${u}/local/dlq · POST ${u}/local/dlq/redrive · npm run dlq -- list`,
  `  Cognito (admin)  ${cloud.endpoints.cognito}  (the user pool API over the demo users)`,
  `  bus (PutEvents)  ${cloud.endpoints.events}`,
  `  SES sink (mail)  ${cloud.endpoints.ses}`,
  `  DynamoDB Local   ${cloud.endpoints.dynamodb}    S3 (s3rver) ${cloud.endpoints.s3}    credentials S3RVER/S3RVER us-east-1`,
  `  tables           ${Object.values(cloud.tables).join(', ')}`,
  `  state            ${dataDir} (npm start -- --reset wipes it; function logs in .local/logs/)`,
  '',
  'Demo users:',
  ...cloud.users().map((x) => `  ${x.username.padEnd(20)} ${x.roles.join(',').padEnd(14)} ${(x.departmentId ?? '-').padEnd(8)} ${x.centerId}  ${x.name}`),
  '',
  'Try:',
  `  curl ${u}/public/items`,
  `  TOKEN=$(curl -s -X POST ${u}/local/token -H 'content-type: application/json' -d '{"username":"admin.amr"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')`,
  `  curl -H "authorization: Bearer $TOKEN" ${u}/admin/items`,
  '',
  `ready in ${((Date.now() - started) / 1000).toFixed(1)} s — Ctrl-C to stop`,
];
console.log(lines.join('\n'));
