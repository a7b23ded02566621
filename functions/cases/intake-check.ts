/**
 * Intake input checked against the item: its typed fields (a JSON Schema an
 * administrator wrote, checked by Ajv) and its checklist. Its own module so
 * that only the function that takes intake bundles Ajv; the sweeper and the
 * other consumers that apply transitions do not (decision 69).
 */
import type { IntakeRequest } from '#schemas/api/cases';
import type { ItemVersion } from '#schemas/api/catalog';
import { msg } from '#schemas/api/problems';
import { adminSchemaErrors } from '#shared/admin-schema';
import type { FieldFault } from '#shared/errors';
import { checklistErrors } from './acceptance-rules.ts';

/** Intake input checked against the item: its typed fields and its checklist. */
export function intakeErrors(item: ItemVersion, req: Pick<IntakeRequest, 'fields' | 'materials'>): FieldFault[] {
  const errors: FieldFault[] = [];
  const schema = item.content.intakeFields;
  if (schema) errors.push(...adminSchemaErrors({ ...schema, additionalProperties: false }, req.fields ?? {}, '/body/fields'));
  else if (req.fields && Object.keys(req.fields).length > 0) errors.push({ path: '/body/fields', code: 'unexpected', message: msg('本事项没有申请表字段', 'this item takes no application fields') });
  errors.push(...checklistErrors(item.content.materials.map((m) => m.id), req.materials.map((m) => m.materialId), '/body/materials'));
  return errors;
}
