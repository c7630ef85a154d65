// Inline SVG icons: media-control glyphs (⏵ ⏸ ⏭) are missing from many system fonts,
// and the site loads nothing from elsewhere.
const common = { width: 14, height: 14, viewBox: "0 0 14 14", "aria-hidden": true, focusable: false } as const;

export function PlayIcon() {
  return (
    <svg {...common}>
      <path d="M3 1.5v11l9-5.5z" fill="currentColor" />
    </svg>
  );
}

export function PauseIcon() {
  return (
    <svg {...common}>
      <rect x="2.5" y="1.5" width="3" height="11" fill="currentColor" />
      <rect x="8.5" y="1.5" width="3" height="11" fill="currentColor" />
    </svg>
  );
}

export function StepIcon() {
  return (
    <svg {...common}>
      <path d="M2 1.5v11l7.5-5.5z" fill="currentColor" />
      <rect x="10" y="1.5" width="2.5" height="11" fill="currentColor" />
    </svg>
  );
}

export function MoonIcon() {
  return (
    <svg {...common}>
      <path d="M9.5 1.2a5.8 5.8 0 1 0 3.3 9.6A5 5 0 0 1 9.5 1.2z" fill="currentColor" />
    </svg>
  );
}

export function SunIcon() {
  return (
    <svg {...common}>
      <circle cx="7" cy="7" r="3" fill="currentColor" />
      <path d="M7 0.5v2M7 11.5v2M0.5 7h2M11.5 7h2M2.4 2.4l1.4 1.4M10.2 10.2l1.4 1.4M2.4 11.6l1.4-1.4M10.2 3.8l1.4-1.4" stroke="currentColor" strokeWidth="1.3" />
    </svg>
  );
}

export function DiskIcon() {
  return (
    <svg {...common}>
      <rect x="1.5" y="2" width="11" height="10" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <rect x="4" y="2" width="6" height="3.5" fill="currentColor" />
    </svg>
  );
}
