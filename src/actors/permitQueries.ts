import { HOLDING_PERMIT_STATES } from '../../db/schema.ts';

/** `('pending', …, 'used')`: the states in which a permit holds its target. */
export const HOLDING_STATES_SQL = `(${HOLDING_PERMIT_STATES.map((s) => `'${s}'`).join(', ')})`;
