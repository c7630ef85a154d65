/**
 * Orders, and a little later most of their payments, on two topics keyed by order id: the
 * classic stream-stream join. About one order in ten is never paid, and a payment comes
 * 0.2–5 s after its order, so join windows matter.
 */
import type { Random } from "../../runtime/random";
import { pick, twoDecimals, type GeneratedRecord, type RecordSource } from "./generated-record";

const PRODUCTS = ["keyboard", "monitor", "mouse", "headset", "webcam", "dock", "cable"] as const;
const METHODS = ["card", "paypal", "bank-transfer"] as const;

interface DuePayment {
  due: number;
  record: GeneratedRecord;
}

export class OrdersPaymentsSource implements RecordSource {
  private orders = 0;
  private payments = 0;
  private readonly due: DuePayment[] = [];

  constructor(
    private readonly ordersTopic: string,
    private readonly paymentsTopic: string,
    private readonly customerCount = 40,
  ) {}

  next(eventTime: number, random: Random): GeneratedRecord[] {
    const out: GeneratedRecord[] = [];
    // Payments whose time has come go out before the new order.
    while (this.due.length > 0 && this.due[0]!.due <= eventTime) out.push(this.due.shift()!.record);
    const orderId = `o-${++this.orders}`;
    const quantity = 1 + random.int(3);
    const amount = twoDecimals(quantity * (5 + random.next() * 195));
    out.push({
      topic: this.ordersTopic,
      key: orderId,
      value: { orderId, customerId: `c-${1 + random.int(this.customerCount)}`, product: pick(PRODUCTS, random), quantity, amount, currency: "EUR" },
      timestamp: eventTime,
    });
    if (random.next() < 0.9) {
      const paidAt = eventTime + 200 + random.int(4800);
      const record: GeneratedRecord = {
        topic: this.paymentsTopic,
        key: orderId,
        value: { paymentId: `p-${++this.payments}`, orderId, amount, method: pick(METHODS, random) },
        timestamp: paidAt,
      };
      // Keep the queue in due order (delays differ, so insert in place).
      let i = this.due.length;
      while (i > 0 && this.due[i - 1]!.due > paidAt) i--;
      this.due.splice(i, 0, { due: paidAt, record });
    }
    return out;
  }
}
