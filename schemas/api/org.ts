/**
 * The center's organization (进驻部门, 窗口) and its working-day calendar
 * (工作日, 调休): request and response shapes.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { DepartmentId, ItemCode } from './catalog.ts';

const closed = { additionalProperties: false } as const;
const text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const CalendarDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Audit = { updatedAt: Type.String({ format: 'date-time' }), updatedBy: Type.String() };

export const WindowId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' });

export const DepartmentBody = Type.Object(
  { name: text(100, 'e.g. 示范县市场监督管理局'), chiefRepresentative: text(50, '首席代表') },
  closed,
);
export type DepartmentBody = Static<typeof DepartmentBody>;
export const Department = Type.Object({ departmentId: DepartmentId, ...DepartmentBody.properties, ...Audit }, closed);
export type Department = Static<typeof Department>;

export const WindowBody = Type.Object(
  {
    name: text(100, 'e.g. A区3号 市场监管综合窗口'),
    departmentIds: Type.Array(DepartmentId, { minItems: 1, maxItems: 30, uniqueItems: true, description: 'A general window (综合窗口) serves several' }),
    itemCodes: Type.Optional(Type.Array(ItemCode, { maxItems: 500, uniqueItems: true, description: 'Items handled here; none = every item of its departments' })),
  },
  closed,
);
export type WindowBody = Static<typeof WindowBody>;
export const ServiceWindow = Type.Object({ windowId: WindowId, ...WindowBody.properties, ...Audit }, closed);
export type ServiceWindow = Static<typeof ServiceWindow>;

export const CalendarYearBody = Type.Object(
  {
    holidays: Type.Array(CalendarDate, { maxItems: 120, uniqueItems: true, description: 'Public holidays (法定节假日) and their bridging days off' }),
    workdays: Type.Array(CalendarDate, { maxItems: 30, uniqueItems: true, description: 'Weekend days worked (调休)' }),
    source: Type.Optional(text(200, 'The notice the schedule comes from, e.g. 国办发明电〔2025〕7号')),
  },
  closed,
);
export type CalendarYearBody = Static<typeof CalendarYearBody>;
export const CalendarYear = Type.Object({ year: Type.Integer(), ...CalendarYearBody.properties, ...Audit }, closed);
export type CalendarYear = Static<typeof CalendarYear>;

export const DepartmentPath = Type.Object({ departmentId: DepartmentId }, closed);
export const WindowPath = Type.Object({ windowId: WindowId }, closed);
export const YearPath = Type.Object({ year: Type.String({ pattern: '^(19|2[0-9])[0-9]{2}$' }) }, closed);

export const DepartmentList = Type.Object({ items: Type.Array(Department) }, closed);
export const WindowList = Type.Object({ items: Type.Array(ServiceWindow) }, closed);
