'use strict';
// `npm run check-config`: validates the environment the way the service does at start-up.
// Exit 0 when the config is accepted; otherwise print every problem (each naming its key) and exit 1.
const { loadConfig, ConfigError } = require('./config');

try {
  const cfg = loadConfig(process.env);
  console.log(`config ok: APP_ENV=${cfg.appEnv}, WORKER_MODE=${cfg.workerMode}, TLS_ENABLED=${cfg.tlsEnabled}`);
  process.exit(0);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`config error (APP_ENV=${process.env.APP_ENV || 'unset'}):`);
  for (const p of e.problems) console.error(`  - ${p}`);
  process.exit(1);
}
