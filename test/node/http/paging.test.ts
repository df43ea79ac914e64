import { describe, expect, it } from 'vitest';
import { pageInfo, pageOffset, pageRequest } from '../../../src/node/http/paging.js';
import { int32Param, int64Param, page } from '../../../src/node/sepm-rest/paging.js';

const q = (s: string) => new URLSearchParams(s);

describe('one paging module for reporting, console and REST', () => {
  it('reads the reporting and console page: defaults 1 and 100, pageSize 1..1000, nine digits', () => {
    expect(pageRequest(q(''))).toEqual({ pageIndex: 1, pageSize: 100 });
    expect(pageRequest(q('pageIndex=3&pageSize=1000'))).toEqual({ pageIndex: 3, pageSize: 1000 });
    expect(pageRequest(q('pageIndex=000000002'))).toEqual({ pageIndex: 2, pageSize: 100 });
    expect(pageRequest(q('pageIndex=999999999'))?.pageIndex).toBe(999_999_999);
    for (const bad of [
      'pageSize=1001',
      'pageSize=0',
      'pageIndex=0',
      'pageIndex=-1',
      'pageIndex=+1',
      'pageIndex=1.0',
      'pageIndex=1000000000',
      'pageIndex=0000000002',
    ]) {
      expect(pageRequest(q(bad)), bad).toBeUndefined();
    }
  });

  it('reads REST parameters as int32 and int64, with no largest pageSize', () => {
    expect(int32Param(q(''), 'pageSize', 20, 1)).toBe(20);
    expect(int32Param(q('pageSize=2147483647'), 'pageSize', 20, 1)).toBe(2 ** 31 - 1);
    expect(int32Param(q('pageSize=2147483648'), 'pageSize', 20, 1)).toBeUndefined();
    expect(int32Param(q('pageSize=0'), 'pageSize', 20, 1)).toBeUndefined();
    expect(int32Param(q('x=-5'), 'x', 0, -10)).toBe(-5);
    expect(int64Param(q('t=9007199254740991'), 't', 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(int64Param(q('t=9007199254740992'), 't', 0)).toBeUndefined();
  });

  it('computes pages the same way for every list', () => {
    const info = pageInfo({ pageIndex: 3, pageSize: 2 }, 5);
    expect(info).toEqual({
      pageIndex: 3,
      pageSize: 2,
      totalElements: 5,
      totalPages: 3,
      lastPage: true,
    });
    expect(pageOffset({ pageIndex: 3, pageSize: 2 })).toBe(4);
    expect(pageInfo({ pageIndex: 1, pageSize: 100 }, 0)).toMatchObject({
      totalPages: 1,
      lastPage: true,
    });
    const rest = page([1, 2, 3, 4, 5], 3, 2, { property: 'x', direction: 'ASC' });
    expect(rest).toMatchObject({
      content: [5],
      number: 2,
      totalPages: 3,
      lastPage: true,
      firstPage: false,
    });
  });
});
