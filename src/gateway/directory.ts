// Which upstream offers which resource and prompt. Lists are merged across upstreams (each list
// refreshes the directory); a request about one item goes to the upstream that listed it, or whose
// resource template matches its URI. Resolving never forwards the request itself: that is the gate's.
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { Upstream } from '../upstream/index.js';
import type { GatewayContext } from './context.js';

type Item = Record<string, unknown>;

export interface PromptOwner {
  upstream: Upstream;
  /** The upstream's own name of the prompt. */
  name: string;
}

export class Directory {
  /** Resource URIs and template texts -> the upstream that listed them. */
  private readonly resources = new Map<string, Upstream>();
  private readonly templates = new Map<string, { template: UriTemplate; upstream: Upstream }>();
  /** Exposed prompt name -> (upstream, its own name). */
  private readonly prompts = new Map<string, PromptOwner>();

  constructor(private readonly ctx: GatewayContext) {}

  serving(capability: string): Upstream[] {
    return this.ctx.upstreams.filter((u) => u.state === 'ready' && u.capabilities[capability]);
  }

  async listResources(signal: AbortSignal): Promise<Item[]> {
    const items = await this.gather('resources', 'resources/list', 'resources', signal);
    for (const [upstream, item] of items) if (typeof item.uri === 'string') this.resources.set(item.uri, upstream);
    return items.map(([, item]) => item);
  }

  async listTemplates(signal: AbortSignal): Promise<Item[]> {
    const items = await this.gather('resources', 'resources/templates/list', 'resourceTemplates', signal);
    for (const [upstream, item] of items) {
      if (typeof item.uriTemplate !== 'string') continue;
      this.resources.set(item.uriTemplate, upstream);
      try {
        this.templates.set(item.uriTemplate, { template: new UriTemplate(item.uriTemplate), upstream });
      } catch (err) {
        this.ctx.log.warn({ upstream: upstream.name, err: (err as Error).message }, 'a resource template cannot be parsed: URIs are not matched against it');
      }
    }
    return items.map(([, item]) => item);
  }

  async listPrompts(signal: AbortSignal): Promise<Item[]> {
    const prompts: Item[] = [];
    this.prompts.clear();
    for (const [upstream, prompt] of await this.gather('prompts', 'prompts/list', 'prompts', signal)) {
      if (typeof prompt.name !== 'string') continue;
      const exposed = upstream.prefix + prompt.name;
      if (this.prompts.has(exposed)) continue; // the earlier upstream keeps a colliding name
      this.prompts.set(exposed, { upstream, name: prompt.name });
      prompts.push(upstream.prefix === '' ? prompt : { ...prompt, name: exposed });
    }
    return prompts;
  }

  /** The upstream that listed `uri` (or a template matching it); else the only resource server; else, after listing again, undefined. */
  async resourceOwner(uri: string, signal: AbortSignal): Promise<Upstream | undefined> {
    const known = this.knownOwner(uri);
    if (known) return known;
    const candidates = this.serving('resources');
    if (candidates.length <= 1) return candidates[0];
    await Promise.all([this.listResources(signal), this.listTemplates(signal)]);
    return this.knownOwner(uri);
  }

  async prompt(name: string, signal: AbortSignal): Promise<PromptOwner | undefined> {
    if (!this.prompts.has(name)) await this.listPrompts(signal);
    return this.prompts.get(name);
  }

  private knownOwner(uri: string): Upstream | undefined {
    const listed = this.resources.get(uri);
    if (listed?.state === 'ready') return listed;
    for (const { template, upstream } of this.templates.values()) if (upstream.state === 'ready' && template.match(uri)) return upstream;
    return undefined;
  }

  /** All pages of one list from every upstream that serves it, merged into one page. */
  private async gather(capability: string, method: string, key: string, signal: AbortSignal): Promise<[Upstream, Item][]> {
    const lists = await Promise.all(
      this.serving(capability).map(async (upstream) => {
        const items: [Upstream, Item][] = [];
        let cursor: unknown;
        try {
          do {
            const page = await upstream.request(method, cursor === undefined ? {} : { cursor }, signal);
            for (const item of Array.isArray(page[key]) ? page[key] : []) if (item && typeof item === 'object') items.push([upstream, item as Item]);
            cursor = page.nextCursor;
          } while (typeof cursor === 'string' && cursor !== '');
        } catch (err) {
          this.ctx.log.warn({ upstream: upstream.name, method, err: (err as Error).message }, 'listing failed: that upstream is left out');
        }
        return items;
      }),
    );
    return lists.flat();
  }
}
