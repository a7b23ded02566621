import type { UserRole } from '../../schemas/api/common.ts';
import { stageConfig } from '../../infra/config.ts';

/**
 * The demo center seeded on first start: departments, windows and one demo
 * user for every role of DESIGN §8. Department ids match the demo items.
 */
export const demoCenter = {
  centerId: stageConfig('local').defaultCenterId,
  name: '示范县政务服务中心',
  timeZone: 'Asia/Shanghai',
  code: '370982',
  departments: [
    { departmentId: 'amr', name: '示范县市场监督管理局', chiefRepresentative: '李明' },
    { departmentId: 'housing', name: '示范县住房和城乡建设局', chiefRepresentative: '王芳' },
    { departmentId: 'health', name: '示范县卫生健康局', chiefRepresentative: '赵强' },
  ],
  windows: [
    { windowId: 'a03', name: 'A区3号 市场监管综合窗口', departmentIds: ['amr'] },
    { windowId: 'a04', name: 'A区4号 市场监管综合窗口', departmentIds: ['amr'] },
    { windowId: 'b01', name: 'B区1号 工程建设项目窗口', departmentIds: ['housing'] },
    { windowId: 'c01', name: 'C区1号 卫生健康窗口', departmentIds: ['health'] },
    { windowId: 'z01', name: 'Z区1号 综合受理窗口', departmentIds: ['amr', 'housing', 'health'] },
  ],
  /** The hall's queue categories (排队业务类别): each takes the demo items of its department; the general window serves all. */
  queueCategories: [
    { code: 'A', name: '市场主体登记', departmentId: 'amr', windowIds: ['a03', 'a04', 'z01'] },
    { code: 'B', name: '工程建设', departmentId: 'housing', windowIds: ['b01', 'z01'] },
    { code: 'C', name: '卫生健康', departmentId: 'health', windowIds: ['c01', 'z01'] },
  ],
} as const;

export type Role = UserRole;

export interface DemoUser {
  readonly username: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly centerId: string;
  readonly departmentId?: string;
  /** A person of several departments (综合窗口), the primary (`departmentId`) first. */
  readonly departmentIds?: readonly string[];
  /** The windows the person works at. */
  readonly windowIds?: readonly string[];
}

const center = demoCenter.centerId;

export const demoUsers: readonly DemoUser[] = [
  { username: 'zhang.san', name: '张三', roles: ['applicant'], centerId: center },
  { username: 'clerk.amr', name: '刘洋', roles: ['clerk'], centerId: center, departmentId: 'amr', windowIds: ['a03'] },
  { username: 'approver.amr', name: '陈静', roles: ['approver'], centerId: center, departmentId: 'amr' },
  { username: 'admin.amr', name: '李明', roles: ['dept_admin'], centerId: center, departmentId: 'amr' },
  // Each department's head (负责人): approves extensions of the limit (art. 42).
  { username: 'head.amr', name: '高建国', roles: ['dept_head'], centerId: center, departmentId: 'amr' },
  { username: 'head.housing', name: '杜文', roles: ['dept_head'], centerId: center, departmentId: 'housing' },
  { username: 'head.health', name: '罗娜', roles: ['dept_head'], centerId: center, departmentId: 'health' },
  { username: 'admin.housing', name: '王芳', roles: ['dept_admin'], centerId: center, departmentId: 'housing' },
  { username: 'clerk.housing', name: '黄磊', roles: ['clerk'], centerId: center, departmentId: 'housing', windowIds: ['b01'] },
  { username: 'approver.housing', name: '林峰', roles: ['approver'], centerId: center, departmentId: 'housing' },
  { username: 'clerk.health', name: '何娟', roles: ['clerk'], centerId: center, departmentId: 'health', windowIds: ['c01'] },
  { username: 'approver.health', name: '郭涛', roles: ['approver'], centerId: center, departmentId: 'health' },
  { username: 'admin.health', name: '赵强', roles: ['dept_admin'], centerId: center, departmentId: 'health' },
  // The general window's clerk (综合窗口, 无差别受理): takes in cases for every department of the center.
  { username: 'clerk.general', name: '马丽', roles: ['clerk'], centerId: center, departmentId: 'amr', departmentIds: ['amr', 'housing', 'health'], windowIds: ['z01'] },
  { username: 'center.admin', name: '周敏', roles: ['center_admin'], centerId: center },
  { username: 'supervisor', name: '孙丽', roles: ['supervisor'], centerId: center },
  { username: 'auditor', name: '吴刚', roles: ['auditor'], centerId: center },
  // The center's finance (财务): the daily reconciliation with the payment provider, revenue.
  { username: 'finance', name: '钱敏', roles: ['finance'], centerId: center },
  // A second center on the same deployment, to show that centers never see each other.
  { username: 'center.admin.other', name: '郑凯', roles: ['center_admin'], centerId: 'center-other' },
];
