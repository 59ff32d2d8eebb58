import { Field, ID, InputType } from 'type-graphql';
import { OutputType } from './output-type';
import type { ProfileDoc } from '../../../projections/profiles';
import { DateTimeScalar } from '../scalars';

@OutputType({ description: "A person's own account, registered from the caller's token on first sign-in." })
export class Profile {
  @Field(() => ID)
  userId!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  company!: string | null;

  @Field(() => Boolean)
  active!: boolean;

  @Field(() => DateTimeScalar)
  registeredAt!: string;

  static from(doc: ProfileDoc): Profile {
    return Object.assign(new Profile(), doc);
  }
}

@InputType()
export class UpdateProfileInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  company?: string | null;
}
