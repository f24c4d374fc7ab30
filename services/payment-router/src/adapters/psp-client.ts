import { Pool } from 'undici';
import type { SettlementLine } from '../domain/reconciliation.ts';
import { readSettlementFile } from '../settlement-file.ts';

/** A charge as the PSP reports it. */
export interface PspCharge {
  id: string;
  reference: string;
  status: 'approved' | 'declined' | 'captured' | 'voided';
  declineCode?: string;
}

/** A capture, refund or void as the PSP's status inquiry reports it. */
export interface PspOperation {
  reference: string;
  kind: 'capture' | 'refund' | 'void';
  chargeId: string;
  amount: number;
}

export interface PspCardDetails {
  number: string;
  expMonth: number;
  expYear: number;
}

/** No answer (timeout, connection lost mid-request): the PSP may or may not have acted. */
export class PspTimeoutError extends Error {}
/** Connection refused or a 5xx answer: the PSP did not act on this request. */
export class PspUnavailableError extends Error {}
/** The PSP refused the operation (4xx), e.g. a capture of a charge it already voided. */
export class PspRejectedError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** HTTP client of one PSP; every mutating call carries our idempotency key for it. */
export class PspClient {
  readonly name: string;
  private readonly pool: Pool;
  private readonly timeoutMs: number;

  constructor(name: string, url: string, timeoutMs: number) {
    this.name = name;
    this.pool = new Pool(url, { connections: 128, pipelining: 1 });
    this.timeoutMs = timeoutMs;
  }

  charge(
    key: string,
    body: {
      amount: number;
      currency: string;
      country: string;
      capture: boolean;
      card: PspCardDetails;
    },
  ): Promise<PspCharge> {
    return this.call<PspCharge>('POST', '/v1/charges', { reference: key, ...body }, key);
  }

  /** Status inquiry: the charges the PSP made under our reference. */
  async inquire(reference: string): Promise<PspCharge[]> {
    const { charges } = await this.call<{ charges: PspCharge[] }>(
      'GET',
      `/v1/charges?reference=${encodeURIComponent(reference)}`,
    );
    return charges;
  }

  /** Status inquiry of a capture, refund or void: undefined when the PSP never did it. */
  async inquireOperation(reference: string): Promise<PspOperation | undefined> {
    try {
      return await this.call<PspOperation>(
        'GET',
        `/v1/operations/${encodeURIComponent(reference)}`,
      );
    } catch (error) {
      if (error instanceof PspRejectedError && error.code === 'no_such_operation') return undefined;
      throw error;
    }
  }

  capture(chargeId: string, key: string, amount: number): Promise<PspCharge> {
    return this.call('POST', `/v1/charges/${chargeId}/captures`, { reference: key, amount }, key);
  }

  refund(chargeId: string, key: string, amount: number): Promise<PspCharge> {
    return this.call('POST', `/v1/charges/${chargeId}/refunds`, { reference: key, amount }, key);
  }

  void(chargeId: string, key: string): Promise<PspCharge> {
    return this.call('POST', `/v1/charges/${chargeId}/voids`, { reference: key }, key);
  }

  async settlementFile(day: string): Promise<SettlementLine[]> {
    const response = await this.pool.request({
      method: 'GET',
      path: `/v1/settlements/${day}`,
      signal: AbortSignal.timeout(this.timeoutMs * 5),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200)
      throw new PspUnavailableError(`settlement file: ${response.statusCode}`);
    return readSettlementFile(text);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<T> {
    let response;
    try {
      response = await this.pool.request({
        method,
        path,
        headers: {
          'content-type': 'application/json',
          ...(key === undefined ? {} : { 'idempotency-key': key }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'ECONNREFUSED') {
        throw new PspUnavailableError(`${this.name} refused the connection`, { cause: error });
      }
      throw new PspTimeoutError(`${this.name} gave no answer: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let payload: unknown;
    try {
      payload = await response.body.json();
    } catch (error) {
      throw new PspTimeoutError(`${this.name} sent no whole answer: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (response.statusCode >= 500)
      throw new PspUnavailableError(`${this.name}: ${response.statusCode}`);
    if (response.statusCode >= 400) {
      const { error } = payload as { error?: { code?: string; message?: string } };
      throw new PspRejectedError(
        error?.code ?? 'rejected',
        error?.message ?? `${response.statusCode}`,
      );
    }
    return payload as T;
  }
}
