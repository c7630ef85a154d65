/**
 * Truck positions as in the Kafka talks' IoT demo: one delimited line per reading,
 *
 *   timestamp,truckId,driverId,routeId,eventType,latitude,longitude,correlationId
 *   1522846456703,101,31,1927624662,Normal,37.31,-94.31,-4802309397906690837
 *
 * keyed by truckId so every truck's readings stay in order in one partition. Each truck
 * drives its own route as a random walk across the Midwest; now and then a driver does
 * something unsafe, which is what the demo's stream processing looks for.
 */
import type { Random } from "../../runtime/random";
import { pickWeighted, twoDecimals, type GeneratedRecord, type RecordSource } from "./generated-record";

export const TRUCK_EVENT_TYPES = ["Normal", "Overspeed", "Lane Departure", "Unsafe following distance", "Unsafe tail distance"] as const;
const EVENT_WEIGHTS = [92, 3, 2, 2, 1];

interface Truck {
  truckId: number;
  driverId: number;
  routeId: number;
  lat: number;
  lon: number;
  heading: number;
}

/** A signed 64-bit decimal, like Java's `new Random().nextLong()`. */
function randomLong(random: Random): string {
  const hi = BigInt(random.int(0x100000000));
  const lo = BigInt(random.int(0x100000000));
  return BigInt.asIntN(64, (hi << 32n) | lo).toString();
}

export function parseTruckLine(line: string) {
  const [timestamp, truckId, driverId, routeId, eventType, latitude, longitude, correlationId] = line.split(",");
  return {
    timestamp: Number(timestamp),
    truckId: Number(truckId),
    driverId: Number(driverId),
    routeId: Number(routeId),
    eventType: eventType ?? "",
    latitude: Number(latitude),
    longitude: Number(longitude),
    correlationId: correlationId ?? "",
  };
}

export class TruckSource implements RecordSource {
  private readonly trucks: Truck[] = [];
  private turn = 0;

  constructor(
    private readonly topic: string,
    random: Random,
    truckCount = 10,
  ) {
    for (let i = 0; i < truckCount; i++) {
      this.trucks.push({
        truckId: 100 + i + 1,
        driverId: 10 + random.int(90),
        routeId: 1_000_000_000 + random.int(1_000_000_000),
        lat: 35 + random.next() * 7,
        lon: -98 + random.next() * 10,
        heading: random.next() * 2 * Math.PI,
      });
    }
  }

  next(eventTime: number, random: Random): GeneratedRecord[] {
    // Trucks report in turn, so every truck keeps a steady reading rate.
    const truck = this.trucks[this.turn++ % this.trucks.length]!;
    truck.heading += (random.next() - 0.5) * 0.6;
    truck.lat = Math.min(42.5, Math.max(34.5, truck.lat + Math.cos(truck.heading) * 0.02));
    truck.lon = Math.min(-87.5, Math.max(-98.5, truck.lon + Math.sin(truck.heading) * 0.02));
    const eventType = pickWeighted(TRUCK_EVENT_TYPES, EVENT_WEIGHTS, random);
    const line = [
      eventTime,
      truck.truckId,
      truck.driverId,
      truck.routeId,
      eventType,
      twoDecimals(truck.lat).toFixed(2),
      twoDecimals(truck.lon).toFixed(2),
      randomLong(random),
    ].join(",");
    return [{ topic: this.topic, key: String(truck.truckId), value: line, timestamp: eventTime }];
  }
}
