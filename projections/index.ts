import type { Projection } from '../src/readmodel/projection';
import { profilesProjection } from './profiles';

/** Every projection the server runs. */
export const allProjections: readonly Projection[] = [profilesProjection];
