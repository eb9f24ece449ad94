/**
 * Defaults of plan fields that the pipeline fills in when the plan leaves them out (a canonical
 * plan never holds a default value). The parameter table reads them from here too, so the
 * pipeline needs neither the table nor a second copy of the value.
 */

/** Duotone shadow colour (`start`), as RRGGBB. */
export const DUOTONE_START = 'c83658';

/** Duotone highlight colour (`stop`), as RRGGBB. */
export const DUOTONE_STOP = 'd8e74f';
