import { ArgsType, Field, Int } from 'type-graphql';
import type { AccessRequestStatus } from '../../domain/account';
import { AccessRequestStatusEnum } from './access-request';
import { decodeCursor, pageSize } from './connection';

/** `first` and `after` of a list: the page to read, checked (first 1–500; a cursor of this list). */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: 50 })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  page(): { afterSeq: number | undefined; size: number } {
    return { afterSeq: decodeCursor(this.after), size: pageSize(this.first) };
  }
}

@ArgsType()
export class SearchPageArgs extends PageArgs {
  @Field(() => String, { nullable: true })
  search?: string | null;
}

@ArgsType()
export class StatusPageArgs extends PageArgs {
  @Field(() => AccessRequestStatusEnum, { nullable: true })
  status?: AccessRequestStatus | null;
}
