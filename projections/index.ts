import type { Projection } from '../src/readmodel/projection';
import { directoryProjection } from './directory';

/** Every projection the server runs. */
export const allProjections: readonly Projection[] = [directoryProjection];
