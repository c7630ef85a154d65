import { useStore } from "../state/store";

/** Says plainly why the broker is not usable here; nothing when it is. */
export function BrokerBanner() {
  const connection = useStore((s) => s.connection);
  const message = useStore((s) => s.message);
  if (connection === "ready") return null;
  if (connection === "connecting" || connection === "starting") {
    return (
      <div className="banner quiet" data-testid="broker-banner" data-kind="starting">
        Starting the broker…
      </div>
    );
  }
  if (connection === "another-tab") {
    return (
      <div className="banner warn" role="alert" data-testid="broker-banner" data-kind="another-tab">
        <strong>Another tab owns the broker.</strong> Its files on this device are in use there. Work in that tab, or close it: this tab takes over as soon as it goes away.
      </div>
    );
  }
  return (
    <div className="banner error" role="alert" data-testid="broker-banner" data-kind={connection}>
      <strong>{connection === "lost" ? "The broker stopped." : "The broker could not start."}</strong> {message} Reload the page to start it again.
    </div>
  );
}
