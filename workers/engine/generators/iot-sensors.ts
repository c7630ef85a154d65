/**
 * IoT sensors: temperature and humidity readings keyed by sensor id, each sensor drifting
 * slowly around its own baseline with a rare spike, and a battery that runs down.
 */
import type { Random } from "../../runtime/random";
import { twoDecimals, type GeneratedRecord, type RecordSource } from "./generated-record";

interface Sensor {
  id: string;
  temperature: number;
  humidity: number;
  battery: number;
}

export class IotSensorSource implements RecordSource {
  private readonly sensors: Sensor[] = [];

  constructor(
    private readonly topic: string,
    random: Random,
    sensorCount = 16,
  ) {
    for (let i = 0; i < sensorCount; i++) {
      this.sensors.push({
        id: `sensor-${String(i + 1).padStart(2, "0")}`,
        temperature: 18 + random.next() * 8,
        humidity: 35 + random.next() * 30,
        battery: 100,
      });
    }
  }

  next(eventTime: number, random: Random): GeneratedRecord[] {
    const s = this.sensors[random.int(this.sensors.length)]!;
    s.temperature += (random.next() - 0.5) * 0.4;
    s.humidity = Math.min(100, Math.max(0, s.humidity + (random.next() - 0.5) * 1.2));
    s.battery = Math.max(0, s.battery - random.next() * 0.01);
    const spike = random.next() < 0.01 ? 15 : 0;
    const value = {
      sensorId: s.id,
      temperature: twoDecimals(s.temperature + spike),
      humidity: twoDecimals(s.humidity),
      battery: twoDecimals(s.battery),
    };
    return [{ topic: this.topic, key: s.id, value, timestamp: eventTime }];
  }
}
