// The gateway area's one error class: faults of the listeners and of startup.
import { ToolgateError } from '../core/errors.js';

export class GatewayError extends ToolgateError<'listen_failed'> {}
