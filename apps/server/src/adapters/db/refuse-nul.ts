import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from 'kysely';
import { DomainError } from '../../lib/errors.js';

/**
 * Refuses any query that carries text with a NUL character (U+0000), on both databases.
 * PostgreSQL cannot store one in text at all and fails the statement with an encoding error,
 * which would reach the client as a 500; SQLite would store it. So it is bad input everywhere,
 * answered with `bad_request` (a socket's `error`, HTTP 400) before the database sees it. No
 * input a person types or a phone sends contains NUL; a fuzzer's does.
 */
export class RefuseNulPlugin implements KyselyPlugin {
  readonly #check = new NulCheck();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#check.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

class NulCheck extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    refuseNul(node.value);
    return super.transformValue(node);
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    for (const v of node.values) refuseNul(v);
    return super.transformPrimitiveValueList(node);
  }
}

function refuseNul(value: unknown): void {
  if (typeof value === 'string' && value.includes('\u0000'))
    throw new DomainError('bad_request', 'text may not contain a NUL character');
  if (Array.isArray(value)) for (const v of value) refuseNul(v);
}
