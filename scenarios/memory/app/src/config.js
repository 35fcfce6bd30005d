'use strict';
// Config loader of the memory service: APP_ENV=dev|ci|prod, per-mode defaults, and the prod
// fail-fast matrix of seed 001 (Phase A). The app reads process.env (filled by dotenv-flow, the
// deployment, or pggate's probe); every refusal names the key to change. Never prints a secret.
//
// Must stay in step with ../../config/rules.yaml: `pggate preflight --env prod` starts
// check-config.js once with the compliant prod env and once per dangerous combination.

const MODES = ['dev', 'ci', 'prod'];

const DEFAULTS = {
  dev: { PORT: '3000', DB_POOL_MAX: '5', START_SERVICES_IF_NEEDED: 'true', WORKER_MODE: 'inline', HEALTHCHECK_SEPARATE_PROCESSES: 'false', TLS_ENABLED: 'false', LOG_LEVEL: 'debug' },
  ci: { PORT: '3000', DB_POOL_MAX: '5', START_SERVICES_IF_NEEDED: 'true', WORKER_MODE: 'inline', HEALTHCHECK_SEPARATE_PROCESSES: 'false', TLS_ENABLED: 'false', LOG_LEVEL: 'info' },
  prod: { PORT: '3000', DB_POOL_MAX: '20', START_SERVICES_IF_NEEDED: 'false', WORKER_MODE: 'separate', HEALTHCHECK_SEPARATE_PROCESSES: 'true', TLS_ENABLED: 'true', LOG_LEVEL: 'info' },
};
const COMMON_DEFAULTS = {
  PERF_ALLOW_DESTRUCTIVE_RESET: 'false',
  GATE_ALLOW_DESTRUCTIVE: 'false',
  SCOPE_PURGE_MODE: 'partition',
  SCOPE_PURGE_REQUIRE_CONFIRM: 'true',
  LOG_REDACT_SECRETS: 'true',
  REQUEST_TIMEOUT: '30s',
  MEMORY_SCOPE_PREFIX: 'mem',
};
const SECRET_KEYS = new Set(['DATABASE_URL', 'JWT_SECRET']);

class ConfigError extends Error {
  constructor(problems) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

function loadConfig(env = process.env) {
  const problems = [];
  const mode = env.APP_ENV;
  if (!MODES.includes(mode)) {
    throw new ConfigError([`APP_ENV must be one of ${MODES.join(', ')} (got ${mode === undefined ? 'nothing' : JSON.stringify(mode)})`]);
  }
  // An empty value counts as unset, as with `process.env.X || default`.
  const raw = (key) => {
    const v = env[key];
    if (v !== undefined && v !== '') return v;
    if (key in DEFAULTS[mode]) return DEFAULTS[mode][key];
    return COMMON_DEFAULTS[key];
  };
  const shown = (key, v) => (SECRET_KEYS.has(key) ? '***' : JSON.stringify(v));
  const bool = (key) => {
    const v = String(raw(key)).toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    problems.push(`${key} must be true or false (got ${shown(key, raw(key))})`);
    return undefined;
  };
  const int = (key, min, max) => {
    const v = raw(key);
    if (!/^[+-]?\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      problems.push(`${key} must be a whole number between ${min} and ${max} (got ${shown(key, v)})`);
      return undefined;
    }
    return Number(v);
  };
  const oneOf = (key, values) => {
    const v = raw(key);
    if (!values.includes(v)) problems.push(`${key} must be one of ${values.join(', ')} (got ${shown(key, v)})`);
    return v;
  };
  const url = (key, schemes, required) => {
    const v = raw(key);
    if (v === undefined) {
      if (required) problems.push(`${key} is required when APP_ENV=${mode}`);
      return undefined;
    }
    let u;
    try {
      u = new URL(v);
    } catch {
      problems.push(`${key} is not a valid URL`);
      return undefined;
    }
    if (!schemes.includes(u.protocol.replace(/:$/, ''))) problems.push(`${key} must use ${schemes.join(' or ')}`);
    return u;
  };
  const duration = (key) => {
    const m = /^(\d+)(ms|s|m|h|d)$/.exec(raw(key));
    if (!m) {
      problems.push(`${key} must be a duration such as 500ms, 30s or 5m`);
      return undefined;
    }
    return Number(m[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 }[m[2]];
  };

  const cfg = {
    appEnv: mode,
    port: int('PORT', 1, 65535),
    database: url('DATABASE_URL', ['postgres', 'postgresql'], mode !== 'dev'),
    dbPoolMax: int('DB_POOL_MAX', 1, 200),
    startServicesIfNeeded: bool('START_SERVICES_IF_NEEDED'),
    workerMode: oneOf('WORKER_MODE', ['inline', 'separate']),
    healthcheckSeparateProcesses: bool('HEALTHCHECK_SEPARATE_PROCESSES'),
    workerHealthUrl: url('WORKER_HEALTH_URL', ['http', 'https'], mode === 'prod'),
    perfAllowDestructiveReset: bool('PERF_ALLOW_DESTRUCTIVE_RESET'),
    gateAllowDestructive: bool('GATE_ALLOW_DESTRUCTIVE'),
    scopePurgeMode: oneOf('SCOPE_PURGE_MODE', ['partition', 'delete']),
    scopePurgeRequireConfirm: bool('SCOPE_PURGE_REQUIRE_CONFIRM'),
    tlsEnabled: bool('TLS_ENABLED'),
    logLevel: oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error']),
    logRedactSecrets: bool('LOG_REDACT_SECRETS'),
    requestTimeoutMs: duration('REQUEST_TIMEOUT'),
    memoryScopePrefix: raw('MEMORY_SCOPE_PREFIX'),
  };
  const jwt = raw('JWT_SECRET');
  if (mode === 'prod' && jwt === undefined) problems.push('JWT_SECRET is required when APP_ENV=prod');
  else if (jwt !== undefined && jwt.length < 32) problems.push('JWT_SECRET must be at least 32 characters');
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(cfg.memoryScopePrefix)) problems.push('MEMORY_SCOPE_PREFIX must match [a-z][a-z0-9_]{0,30}');

  // The prod fail-fast matrix: dangerous settings and combinations refuse to start.
  if (mode === 'prod') {
    if (cfg.startServicesIfNeeded) problems.push('START_SERVICES_IF_NEEDED must be false in prod: the API must not start PostgreSQL or workers on its own');
    if (cfg.workerMode !== 'separate') problems.push('WORKER_MODE must be separate in prod: the outbox worker runs as its own process');
    if (cfg.healthcheckSeparateProcesses === false) problems.push('HEALTHCHECK_SEPARATE_PROCESSES must be true in prod: API and worker are health-checked separately');
    if (cfg.perfAllowDestructiveReset) problems.push('PERF_ALLOW_DESTRUCTIVE_RESET must be false in prod: perf runs never reset live scopes');
    if (cfg.gateAllowDestructive) problems.push('GATE_ALLOW_DESTRUCTIVE must be false in prod: gate runs are read-only against prod');
    if (cfg.tlsEnabled === false) problems.push('TLS_ENABLED must be true in prod');
    if (cfg.database && ['localhost', '127.0.0.1', '[::1]', '::1'].includes(cfg.database.hostname)) {
      problems.push(`DATABASE_URL points at ${cfg.database.hostname} in prod: use the production database server`);
    }
    if (cfg.scopePurgeMode === 'delete' && cfg.scopePurgeRequireConfirm === false) {
      problems.push('SCOPE_PURGE_MODE=delete together with SCOPE_PURGE_REQUIRE_CONFIRM=false is refused in prod: require confirmation or purge by partition');
    }
    if (cfg.logLevel === 'debug' && cfg.logRedactSecrets === false) {
      problems.push('LOG_LEVEL=debug together with LOG_REDACT_SECRETS=false is refused in prod: debug logs would print credentials');
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return cfg;
}

module.exports = { loadConfig, ConfigError, MODES };
