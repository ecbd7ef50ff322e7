// Which policy rules mention which surfaces: the seam the surface registry needs from the policy
// engine, implemented over a compiled bundle's rule index. Coverage is by `match` alone; a rule's
// principal and `when` conditions narrow it further at call time.
import type { PolicyBundle } from '../policy/index.js';

export interface RuleRef {
  id: string;
  effect: string;
}

export interface RuleSummary extends RuleRef {
  servers: string[];
  tools: string[];
  /** "file:line" of the rule. */
  where: string;
}

export interface RuleCoverage {
  rulesCovering(server: string, tool: string): RuleRef[];
  allRules(): RuleSummary[];
  /** The bundle's default effect; when undefined a call no rule matches is SILENCE. */
  defaultEffect: string | undefined;
}

export function coverageOf(bundle: PolicyBundle): RuleCoverage {
  return {
    rulesCovering: (server, tool) => bundle.index.candidates('tools/call', server, tool).map((r) => ({ id: r.id, effect: r.effect })),
    allRules: () =>
      bundle.rules
        .filter((r) => r.methods.includes('tools/call'))
        .map((r) => ({
          id: r.id,
          effect: r.effect,
          servers: [...r.servers.patterns],
          tools: [...r.tools.patterns],
          where: `${r.file}${r.line ? `:${r.line}` : ''}`,
        })),
    defaultEffect: bundle.defaults.effect,
  };
}
