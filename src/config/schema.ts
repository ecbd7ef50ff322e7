// The toolgate.yaml contract as zod schemas: the single source of the config's types and of its
// JSON Schema (see `toolgate schema`). Every object is strict: an unknown key is an error, not a
// silently ignored typo in a security product.
import { z } from 'zod';
import { IdentitySchema } from './identity.js';

const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 500ms, 50s, 15m, 2h or 7d');

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256 (64 digits)');

const upstreamName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "-" and "_", at most 64, not starting with "-" or "_"');

const upstreamCommon = {
  /** Exposed tool names are `<prefix><tool>`; default `<name>__`. The empty string exposes names unchanged. */
  prefix: z.string().max(64).optional(),
  /** How long a request to this upstream may take before it is abandoned with an error. */
  timeout: duration.default('60s'),
  /** Keep the upstream in the config but do not start it. (One that fails to start is always retried.) */
  disabled: z.boolean().default(false),
  /**
   * `shared`: one upstream session serves every client session. `per-client`: each client session
   * gets its own upstream session (a stdio upstream: its own process), declaring that client's
   * capabilities, for servers that keep per-client state or ask clients things (docs/gateway.md).
   */
  session: z.enum(['shared', 'per-client']).default('shared'),
};

export const StdioUpstreamSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().optional(),
  /**
   * Only 2025-11-25: a process cannot be probed with server/discover safely (a server that answers
   * nothing before initialize would hang it), and the v2 SDK's servers answer initialize over stdio
   * too. Named here so that asking for 2026-07-28 is refused with the reason.
   */
  protocol: z
    .literal('2025-11-25', {
      error: 'a stdio upstream is spoken to in 2025-11-25 only (toolgate does not speak 2026-07-28 to processes: docs/gateway.md); serve it over HTTP',
    })
    .optional(),
  ...upstreamCommon,
});

export const HttpUpstreamSchema = z.strictObject({
  url: z.url(),
  headers: z.record(z.string(), z.string()).default({}),
  /**
   * The MCP revision toolgate speaks to it. `auto` asks with server/discover at each start and
   * speaks 2026-07-28 to a server that offers it, else 2025-11-25 (docs/gateway.md).
   */
  protocol: z.enum(['auto', '2025-11-25', '2026-07-28']).default('auto'),
  ...upstreamCommon,
});

export const UpstreamSchema = z.union([StdioUpstreamSchema, HttpUpstreamSchema]);

export const HttpListenSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  path: z.string().startsWith('/').default('/mcp'),
  /** Extra Host header values accepted besides the bind address and localhost (DNS-rebinding guard). */
  allowed_hosts: z.array(z.string()).default([]),
  /** Origins accepted on browser requests; requests without an Origin header are accepted. */
  allowed_origins: z.array(z.string()).default([]),
  /** Largest accepted request body. */
  max_body_bytes: z
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024),
  /** A session with no request and no open GET stream for this long is closed (clients rarely send DELETE). */
  session_idle: duration.default('30m'),
  /** How long a call that answered a 2026-07-28 client input-required waits for its retry before it is cancelled. */
  input_wait: duration.default('10m'),
});

export const ListenSchema = z.strictObject({
  stdio: z.boolean().default(false),
  /** The principal a stdio client acts as (stdio has no tokens: whoever starts the process is the client). */
  stdio_principal: IdentitySchema.optional(),
  http: HttpListenSchema.optional(),
});

export const AdminSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8081),
  /** Extra Host header values accepted besides the bind address and localhost (DNS-rebinding guard). */
  allowed_hosts: z.array(z.string()).default([]),
  /** Origins accepted on browser requests besides the admin listener's own (its console). */
  allowed_origins: z.array(z.string()).default([]),
  /** A token (by sha256) that may read /metrics and nothing else. */
  metrics_token_sha256: sha256Hex.optional(),
});

export const PrincipalSchema = z.strictObject({
  /** Canonical from load on: lower-case, "user:" added when no kind is given (docs/design.md, identities). */
  id: IdentitySchema,
  token_sha256: sha256Hex,
  groups: z.array(z.string()).default([]),
});

export const ReviewerSchema = z.strictObject({
  /** Canonical from load on, like principal ids: one person is one id as principal and as reviewer. */
  id: IdentitySchema,
  token_sha256: sha256Hex,
  groups: z.array(z.string()).default([]),
  /** Extra rights beyond deciding held calls: "break-glass" (open windows), "pins" (approve drifted tool definitions). */
  rights: z.array(z.string()).default([]),
});

export const StoreSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('lowdb'), path: z.string().default('.toolgate/state.json') }),
  z.strictObject({ kind: z.literal('postgres'), url: z.string() }),
]);

export const LedgerSchema = z.strictObject({
  dir: z.string().default('.toolgate/ledger'),
  /** Sign a checkpoint after this many receipts ... */
  checkpoint_every: z.number().int().positive().default(1000),
  /** ... or after this long, whichever comes first (and always at shutdown). */
  checkpoint_interval: duration.default('60s'),
  /** Start a new segment file after this many receipts. */
  segment_receipts: z.number().int().positive().default(100_000),
  /** Cosignatures each checkpoint should carry from `witnesses` (docs/witness.md); fewer is logged and counted, never stops calls. */
  witness_quorum: z.number().int().min(0).max(100).default(0),
});

// --- witnesses (docs/witness.md): where checkpoints are submitted for cosigning ---
export const WitnessSchema = z.strictObject({
  /** The witness's tlog-witness URL prefix (add-checkpoint and <origin hash>/checkpoint live under it). */
  url: z.url(),
  /** Its C2SP vkey, name+keyid+base64(0x04 || key), as `toolgate witness vkey` prints it. */
  public_key: z.string().regex(/^[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/, 'a witness vkey: name+keyid+base64 key'),
});
// --- end witnesses ---

/**
 * A signing key kept in a PKCS#11 token (an HSM, SoftHSM2): it never sits in a file on the host. It
 * certifies short-lived receipt keys held in memory (docs/operations.md, "Keys in a PKCS#11 token").
 */
export const Pkcs11Schema = z
  .strictObject({
    /** The PKCS#11 module (shared library), e.g. /usr/lib/softhsm/libsofthsm2.so. */
    module: z.string().min(1),
    /** The token: by slot id, or by label. */
    slot: z.number().int().min(0).optional(),
    token_label: z.string().min(1).max(32).optional(),
    /** The label (CKA_LABEL) of the ed25519 key pair in the token. */
    key_label: z.string().min(1).max(256),
    /** The environment variable that holds the user PIN (never the PIN itself). */
    pin_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'),
    /** How long a certified receipt key lives; a successor takes over at half of it. */
    receipt_key_lifetime: duration.default('2h'),
  })
  .refine((p) => (p.slot === undefined) !== (p.token_label === undefined), 'name the token by exactly one of slot or token_label');

export const KeysSchema = z.strictObject({ dir: z.string().default('.toolgate/keys'), pkcs11: Pkcs11Schema.optional() });

export const PinsSchema = z.strictObject({
  mode: z.enum(['trust-on-first-use', 'strict']).default('trust-on-first-use'),
  on_drift: z.enum(['hide', 'hold', 'deny']).default('hide'),
  file: z.string().optional(),
});

/** A bundle takes effect only once `quorum` distinct reviewer keys of `keyring` signed it (docs/policies.md, "Signed bundles"). */
export const RequireSignaturesSchema = z.strictObject({
  /** The reviewer keyring (toolgate.reviewer-keyring/v1); relative to the config file. */
  keyring: z.string().min(1),
  quorum: z.number().int().min(1).max(100),
});

export const PolicyOptionsSchema = z.strictObject({
  /** Hide tools from tools/list that policy denies unconditionally for the listing principal. */
  hide_denied_tools: z.boolean().default(true),
  /** Root against which relative paths are resolved by path.* helpers. */
  path_root: z.string().default('/'),
  /** Watch policy files and hot-reload them. */
  watch: z.boolean().default(true),
  /** Where compiled bundles are archived by their sha256, for replay. */
  archive_dir: z.string().default('.toolgate/bundles'),
  require_signatures: RequireSignaturesSchema.optional(),
  /**
   * A candidate policy (paths and globs, relative to the config file) that decides every call beside
   * the policy in force and enforces nothing: receipts, metrics and the report show where it differs.
   */
  shadow: z.array(z.string().min(1)).max(256).default([]),
});

export const LogSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  arguments: z.enum(['hashed', 'redacted', 'full']).default('hashed'),
  redact: z.array(z.string()).default([]),
});

export const EvidenceSchema = z.strictObject({
  /** Keep each call's arguments (encrypted) so that `toolgate replay` can re-evaluate it. Off by default. */
  store_arguments: z.boolean().default(false),
  /** The AES-256 key file (mode 0600, created on first use); default <keys.dir>/evidence.key. */
  key_file: z.string().optional(),
  /** Records not seen for this long are purged; the default keeps a year's sample replayable. */
  retention: duration.default('400d'),
  /** Where encrypted records are kept; relative paths are resolved against the config file's folder. */
  dir: z.string().default('.toolgate/evidence'),
});

export const BreakGlassSchema = z.strictObject({
  /** The longest a break-glass window may be opened for. */
  max_duration: duration.default('4h'),
  /** How many reviewers with the right, the opener included, must vouch for a window before it lets anything through. */
  open_quorum: z.number().int().min(1).max(10).default(1),
  /** How long a window may wait for its review after it opened before `toolgate report --check` fails. */
  review_within: duration.default('7d'),
});

export const NotifySchema = z.strictObject({ webhook: z.url().optional() });

export const ConfigSchema = z.strictObject({
  /** The issuer id in receipts. */
  name: z.string().min(1).default('toolgate'),
  listen: ListenSchema.default({ stdio: false, http: HttpListenSchema.parse({}) }),
  admin: AdminSchema.optional(),
  upstreams: z.record(upstreamName, UpstreamSchema).default({}),
  policies: z.array(z.string()).default([]),
  policy: PolicyOptionsSchema.default(PolicyOptionsSchema.parse({})),
  /** The surface registry (docs/registry.md): classes, owners and review dates of the surfaces; relative to the config file. */
  registry: z.string().min(1).optional(),
  principals: z.array(PrincipalSchema).default([]),
  reviewers: z.array(ReviewerSchema).default([]),
  store: StoreSchema.default({ kind: 'lowdb', path: '.toolgate/state.json' }),
  ledger: LedgerSchema.default(LedgerSchema.parse({})),
  keys: KeysSchema.default({ dir: '.toolgate/keys' }),
  witnesses: z.array(WitnessSchema).max(32).default([]),
  pins: PinsSchema.default(PinsSchema.parse({})),
  notify: NotifySchema.optional(),
  log: LogSchema.default(LogSchema.parse({})),
  evidence: EvidenceSchema.default(EvidenceSchema.parse({})),
  break_glass: BreakGlassSchema.default(BreakGlassSchema.parse({})),
  /** Largest accepted `tools/call` arguments, in bytes of JSON. */
  max_argument_bytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
});

export type Config = z.infer<typeof ConfigSchema>;
export type UpstreamConfig = z.infer<typeof UpstreamSchema>;
export type StdioUpstreamConfig = z.infer<typeof StdioUpstreamSchema>;
export type HttpUpstreamConfig = z.infer<typeof HttpUpstreamSchema>;
export type PrincipalConfig = z.infer<typeof PrincipalSchema>;
export type ReviewerConfig = z.infer<typeof ReviewerSchema>;
export type LogConfig = z.infer<typeof LogSchema>;

export function isStdioUpstream(u: UpstreamConfig): u is StdioUpstreamConfig {
  return 'command' in u;
}

/** The JSON Schema of toolgate.yaml, for editors (generated from the same zod schemas). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' });
}
