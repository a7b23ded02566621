/**
 * The 2026 national holiday schedule, from the General Office of the State Council's
 * notice on the 2026 holiday arrangements, 国办发明电〔2025〕7号 (《国务院办公厅关于2026年
 * 部分节假日安排的通知》, 4 November 2025). A center's admin enters later years the same way
 * when each notice is published (the 2027 one was not yet available).
 */
import type { CalendarYear } from './calendar.ts';

/** Inclusive range of dates within one month, e.g. range('2026-02', 15, 23). */
const range = (month: string, from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `${month}-${String(from + i).padStart(2, '0')}`);

export const calendar2026: CalendarYear = {
  year: 2026,
  holidays: [
    ...range('2026-01', 1, 3), // 元旦 New Year's Day: Thu 1 – Sat 3 January
    ...range('2026-02', 15, 23), // 春节 Spring Festival: Sun 15 – Mon 23 February
    ...range('2026-04', 4, 6), // 清明节 Qingming: Sat 4 – Mon 6 April
    ...range('2026-05', 1, 5), // 劳动节 Labour Day: Fri 1 – Tue 5 May
    ...range('2026-06', 19, 21), // 端午节 Dragon Boat: Fri 19 – Sun 21 June
    ...range('2026-09', 25, 27), // 中秋节 Mid-Autumn: Fri 25 – Sun 27 September
    ...range('2026-10', 1, 7), // 国庆节 National Day: Thu 1 – Wed 7 October
  ],
  // 调休: weekend days worked.
  workdays: [
    '2026-01-04', // Sun, for 元旦
    '2026-02-14', // Sat, for 春节
    '2026-02-28', // Sat, for 春节
    '2026-05-09', // Sat, for 劳动节
    '2026-09-20', // Sun, for 国庆节
    '2026-10-10', // Sat, for 国庆节
  ],
};
