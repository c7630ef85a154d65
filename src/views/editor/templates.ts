/**
 * Starting points for the topologies people write most, each reading what a generator
 * produces (clicks, orders and payments, sensors) so it runs as soon as it is started.
 */

export interface Template {
  id: string;
  label: string;
  /** The application id it suggests. */
  applicationId: string;
  /** Topics it reads, and the generator that feeds them. */
  reads: string[];
  generator: "clickstream" | "orders-payments" | "iot-sensors" | "trucks";
  source: string;
}

const CLICK = `interface Click {
  userId: string;
  sessionId: string;
  page: string;
  action: string;
  referrer: string;
}`;

const ORDER = `interface Order {
  orderId: string;
  customerId: string;
  product: string;
  quantity: number;
  amount: number;
  currency: string;
}`;

export const TEMPLATES: readonly Template[] = [
  {
    id: "tumbling-count",
    label: "Count per key in tumbling windows",
    applicationId: "page-views",
    reads: ["clicks"],
    generator: "clickstream",
    source: `import { type StreamsBuilder, TimeWindows, Materialized, Duration } from "streamlab";

${CLICK}

// Page views per page in 10-second windows; records up to 5 s late still count.
export default (builder: StreamsBuilder) => {
  builder
    .stream<string, Click>("clicks")
    .groupBy((_userId, click) => click.page)
    .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5)))
    .count(Materialized.as("views-per-page"))
    .toStream()
    .to("page-views-10s");
};
`,
  },
  {
    id: "hopping-count",
    label: "Hopping windows (overlapping)",
    applicationId: "clicks-hopping",
    reads: ["clicks"],
    generator: "clickstream",
    source: `import { type StreamsBuilder, TimeWindows, Duration } from "streamlab";

${CLICK}

// Clicks per action over the last 20 s, updated every 5 s: each record lands in 4 windows.
export default (builder: StreamsBuilder) => {
  builder
    .stream<string, Click>("clicks")
    .groupBy((_userId, click) => click.action)
    .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(20), Duration.ofSeconds(2)).advanceBy(Duration.ofSeconds(5)))
    .count()
    .toStream()
    .to("clicks-per-action-20s");
};
`,
  },
  {
    id: "session-windows",
    label: "Session windows per user",
    applicationId: "user-sessions",
    reads: ["clicks"],
    generator: "clickstream",
    source: `import { type StreamsBuilder, SessionWindows, Duration } from "streamlab";

${CLICK}

// A user's clicks closer than 5 s apart form one session; a click that bridges two
// sessions merges them.
export default (builder: StreamsBuilder) => {
  builder
    .stream<string, Click>("clicks")
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofSeconds(5), Duration.ofSeconds(2)))
    .count()
    .toStream()
    .to("clicks-per-session");
};
`,
  },
  {
    id: "final-results",
    label: "Final results only (suppress)",
    applicationId: "orders-per-minute",
    reads: ["orders"],
    generator: "orders-payments",
    source: `import { type StreamsBuilder, TimeWindows, Suppressed, BufferConfig, Duration } from "streamlab";

${ORDER}

// Revenue per product per 30 s, emitted once per window when it closes.
export default (builder: StreamsBuilder) => {
  builder
    .stream<string, Order>("orders")
    .groupBy((_id, order) => order.product)
    .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(30), Duration.ofSeconds(5)))
    .aggregate(
      () => 0,
      (_product, order, total) => Math.round((total + order.amount) * 100) / 100,
    )
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream()
    .to("revenue-per-product-30s");
};
`,
  },
  {
    id: "filter-map",
    label: "Filter and transform",
    applicationId: "big-orders",
    reads: ["orders"],
    generator: "orders-payments",
    source: `import { type StreamsBuilder } from "streamlab";

${ORDER}

// Orders of 100 EUR or more, re-keyed by customer, with just what billing needs.
export default (builder: StreamsBuilder) => {
  builder
    .stream<string, Order>("orders")
    .filter((_id, order) => order.amount >= 100)
    .selectKey((_id, order) => order.customerId)
    .mapValues((order) => ({ orderId: order.orderId, amount: order.amount }))
    .to("big-orders");
};
`,
  },
  {
    id: "stream-stream-join",
    label: "Join orders with their payments",
    applicationId: "paid-orders",
    reads: ["orders", "payments"],
    generator: "orders-payments",
    source: `import { type StreamsBuilder, JoinWindows, Duration } from "streamlab";

${ORDER}

interface Payment {
  paymentId: string;
  orderId: string;
  amount: number;
  method: string;
}

// An order and its payment, when the payment comes within 10 s of the order.
export default (builder: StreamsBuilder) => {
  const orders = builder.stream<string, Order>("orders");
  const payments = builder.stream<string, Payment>("payments");
  orders
    .join(
      payments,
      (order, payment) => ({ orderId: order.orderId, amount: order.amount, method: payment.method }),
      JoinWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(2)),
    )
    .to("paid-orders");
};
`,
  },
  {
    id: "table-aggregate",
    label: "Running total per key (table)",
    applicationId: "spend-per-customer",
    reads: ["orders"],
    generator: "orders-payments",
    source: `import { type StreamsBuilder, Materialized } from "streamlab";

${ORDER}

// Total spend per customer: a table updated with every order, logged to a changelog.
export default (builder: StreamsBuilder) => {
  builder
    .stream<string, Order>("orders")
    .groupBy((_id, order) => order.customerId)
    .aggregate(
      () => 0,
      (_customer, order, total) => Math.round((total + order.amount) * 100) / 100,
      Materialized.as("spend"),
    )
    .toStream()
    .to("spend-per-customer");
};
`,
  },
];

/** What the SQL tab starts with: the first world's clicks as a stream, counted live per page. */
export const SQL_EXAMPLE = `-- The clicks topic as a stream, and page views per 10 seconds, live.
CREATE STREAM clicks_s (userId VARCHAR KEY, page VARCHAR, action VARCHAR)
  WITH (kafka_topic='clicks', value_format='JSON');

SELECT page, COUNT(*) AS views
  FROM clicks_s
  WINDOW TUMBLING (SIZE 10 SECONDS)
  GROUP BY page
  EMIT CHANGES;
`;
