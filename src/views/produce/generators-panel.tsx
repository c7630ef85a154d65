/**
 * Generators run inside the engine on its clock; here they are started, stopped and their
 * dials turned: the rate, and how many records arrive out of order or late.
 */
import { useState } from "react";
import type { GeneratorKind, GeneratorStatus } from "../../engine-client/broker-client";
import { formatCount } from "../../app/format";
import { useStore } from "../../state/store";
import { TopicPicker } from "./topic-picker";

const KINDS: ReadonlyArray<{ id: GeneratorKind; label: string; sample: string }> = [
  { id: "trucks", label: "Truck positions", sample: "1522846456703,101,31,1927624662,Normal,37.31,-94.31,-4802309397906690837 (key: truckId)" },
  { id: "clickstream", label: "Clickstream", sample: '{"userId":"user-07","sessionId":"s-12","page":"/cart","action":"click"} (key: userId)' },
  { id: "orders-payments", label: "Orders and payments", sample: "orders keyed by orderId, and most of them paid 0.2–5 s later on a second, co-partitioned topic" },
  { id: "iot-sensors", label: "IoT sensors", sample: '{"sensorId":"sensor-03","temperature":21.4,"humidity":48.2,"battery":99.8} (key: sensorId)' },
];

/** The rate slider is logarithmic: 1 … 20,000 records per second. */
const RATE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000];

function rateIndex(rate: number): number {
  let best = 0;
  RATE_STEPS.forEach((r, i) => {
    if (Math.abs(r - rate) < Math.abs(RATE_STEPS[best]! - rate)) best = i;
  });
  return best;
}

function RunningGenerator({ g }: { g: GeneratorStatus }) {
  const update = useStore((s) => s.updateGenerator);
  const stop = useStore((s) => s.stopGenerator);
  return (
    <li className="generator-card" data-testid={`generator-${g.id}`}>
      <div className="generator-title">
        <strong>{KINDS.find((k) => k.id === g.kind)?.label}</strong> → <code>{g.topic}</code>
        {g.kind === "orders-payments" && (
          <>
            {" "}
            + <code>{g.secondTopic}</code>
          </>
        )}
        <span className="spacer" />
        <button type="button" className="small" data-testid={`generator-stop-${g.id}`} onClick={() => void stop(g.id)}>
          Stop
        </button>
      </div>
      <div className="dials">
        <label>
          <span className="label">
            Rate <span className="num">{formatCount(g.ratePerSecond)}/s</span>
          </span>
          <input
            type="range"
            min={0}
            max={RATE_STEPS.length - 1}
            value={rateIndex(g.ratePerSecond)}
            aria-valuetext={`${g.ratePerSecond} records per second`}
            data-testid={`generator-rate-${g.id}`}
            onChange={(e) => void update(g.id, { ratePerSecond: RATE_STEPS[Number(e.target.value)]! })}
          />
        </label>
        <label title="Share of records whose timestamp is up to 5 s in the past: they arrive out of order">
          <span className="label">
            Out of order <span className="num">{Math.round(g.outOfOrder * 100)}%</span>
          </span>
          <input type="range" min={0} max={50} value={Math.round(g.outOfOrder * 100)} aria-valuetext={`${Math.round(g.outOfOrder * 100)} percent`} onChange={(e) => void update(g.id, { outOfOrder: Number(e.target.value) / 100 })} />
        </label>
        <label title="Share of records whose timestamp is 60 s in the past: late for most windows' grace period">
          <span className="label">
            Late <span className="num">{Math.round(g.late * 100)}%</span>
          </span>
          <input type="range" min={0} max={50} value={Math.round(g.late * 100)} aria-valuetext={`${Math.round(g.late * 100)} percent`} onChange={(e) => void update(g.id, { late: Number(e.target.value) / 100 })} />
        </label>
      </div>
      <div className="generator-stats num" data-testid={`generator-stats-${g.id}`}>
        produced {formatCount(g.produced)} · now {formatCount(g.actualRate)}/s · out of order {formatCount(g.outOfOrderCount)} · late {formatCount(g.lateCount)}
        {g.skipped > 0 && <span title="Records the generator could not produce in time: the machine is at its limit"> · skipped {formatCount(g.skipped)}</span>}
        {g.lastError && <span className="form-error"> · {g.lastError}</span>}
      </div>
    </li>
  );
}

export function GeneratorsPanel() {
  const selected = useStore((s) => s.selected);
  const generators = useStore((s) => s.generators);
  const start = useStore((s) => s.startGenerator);
  const ready = useStore((s) => s.connection === "ready");
  const [kind, setKind] = useState<GeneratorKind>("trucks");
  const [topic, setTopic] = useState(selected ?? "");
  const [rate, setRate] = useState(50);
  const [secondTopic, setSecondTopic] = useState("payments");
  const target = topic || selected || "";
  return (
    <div className="generators">
      <form
        className="generator-start form-grid"
        data-testid="generator-form"
        aria-label="Start a generator"
        onSubmit={(e) => {
          e.preventDefault();
          void start({ kind, topic: target, ratePerSecond: rate, secondTopic });
        }}
      >
        <fieldset className="kinds span-2">
          <legend>Data</legend>
          {KINDS.map((k) => (
            <label key={k.id} className="radio" title={k.sample}>
              <input type="radio" name="generator-kind" value={k.id} checked={kind === k.id} data-testid={`generator-kind-${k.id}`} onChange={() => setKind(k.id)} />
              {k.label}
            </label>
          ))}
          <p className="explain">{KINDS.find((k) => k.id === kind)?.sample}</p>
        </fieldset>
        <TopicPicker value={target} onChange={setTopic} testId="generator-topic" />
        {kind === "orders-payments" && (
          <label>
            <span className="label">Payments topic</span>
            <input value={secondTopic} onChange={(e) => setSecondTopic(e.target.value)} />
          </label>
        )}
        <label>
          <span className="label">
            Rate <span className="num">{formatCount(rate)}/s</span>
          </span>
          <input type="range" min={0} max={RATE_STEPS.length - 1} value={rateIndex(rate)} data-testid="generator-rate" aria-valuetext={`${rate} records per second`} onChange={(e) => setRate(RATE_STEPS[Number(e.target.value)]!)} />
        </label>
        <div className="form-actions">
          <button type="submit" className="primary" data-testid="generator-start" disabled={!ready || target === ""}>
            Start generator
          </button>
        </div>
      </form>
      {generators.length === 0 ? (
        <p className="quiet">No generator running. Generators follow the clock: pause it and they pause too.</p>
      ) : (
        <ul className="generator-cards">
          {generators.map((g) => (
            <RunningGenerator key={g.id} g={g} />
          ))}
        </ul>
      )}
    </div>
  );
}
