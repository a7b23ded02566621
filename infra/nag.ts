/**
 * cdk-nag 3 acknowledgements in one place: every acknowledgement needs a
 * specific reason and is recorded on the narrowest construct that can carry it.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledge one rule (or one finding `Rule[Finding]`) on a construct and its children. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (!/^[A-Za-z]+-[A-Za-z0-9]+(\[.+\])?$/.test(id)) throw new Error(`not a cdk-nag rule id: ${id}`);
  if (reason.trim().length < 20) throw new Error(`acknowledgement of ${id} needs a specific reason`);
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Renders a token (an ARN, a Ref) the way cdk-nag names it in findings,
 * e.g. `{ 'Fn::GetAtt': ['TableCD117FA1', 'Arn'] }` → `<TableCD117FA1.Arn>`,
 * so a finding id such as `AwsSolutions-IAM5[Resource::<TableCD117FA1.Arn>/index/*]`
 * can be acknowledged without hard-coding a logical id hash.
 */
export function nagRef(scope: IConstruct, token: string): string {
  return flatten(Stack.of(scope).resolve(token));
}

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const obj = node as Record<string, unknown>;
    if (Array.isArray(obj['Fn::Join'])) {
      const [delimiter, items] = obj['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (obj['Fn::Sub'] !== undefined) return flatten(obj['Fn::Sub']);
    if (Array.isArray(obj['Fn::GetAtt'])) {
      const [resource, attribute] = obj['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (obj['Ref'] !== undefined) return `<${flatten(obj['Ref'])}>`;
  }
  return JSON.stringify(node);
}
