/** Tomorrow (UTC) as YYYY-MM-DD: order windows must be plausible on whatever day tests and demos run. */
export const TOMORROW = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

/** A time tomorrow, `hh:00` UTC (0–23). */
export const tomorrowAt = (hour: number): string => `${TOMORROW}T${String(hour).padStart(2, '0')}:00:00Z`;
