import { useStore } from "../../state/store";

/** A select of the workspace's topics, defaulting to the selected one. */
export function TopicPicker({ value, onChange, testId, label = "Topic" }: { value: string; onChange: (topic: string) => void; testId: string; label?: string }) {
  const topics = useStore((s) => s.topics);
  return (
    <label>
      <span className="label">{label}</span>
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        {topics
          .filter((t) => !t.internal)
          .map((t) => (
            <option key={t.name} value={t.name}>
              {t.name} ({t.partitions}p)
            </option>
          ))}
      </select>
    </label>
  );
}
