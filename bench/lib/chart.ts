/** A dependency-free SVG bar chart of the bench ratios, with each scenario's target as a tick. */
export interface Bar {
  readonly label: string;
  readonly ratio: number;
  readonly target?: number;
}

export function ratioChart(title: string, bars: readonly Bar[]): string {
  const width = 640;
  const rowHeight = 34;
  const left = 190;
  const scale = (width - left - 60) / Math.max(1.2, ...bars.map((bar) => bar.ratio));
  const rows = bars
    .map((bar, i) => {
      const y = 40 + i * rowHeight;
      const length = Math.max(1, bar.ratio * scale);
      const met = bar.target === undefined || bar.ratio >= bar.target;
      const tick =
        bar.target === undefined
          ? ''
          : `<line x1="${left + bar.target * scale}" x2="${left + bar.target * scale}" y1="${y - 4}" y2="${y + 24}" stroke="#111" stroke-dasharray="3 2"/>`;
      return (
        `<text x="${left - 8}" y="${y + 15}" text-anchor="end" font-size="13">${bar.label}</text>` +
        `<rect x="${left}" y="${y}" width="${length.toFixed(1)}" height="20" fill="${met ? '#2f7d4f' : '#b3412e'}"/>` +
        `<text x="${left + length + 6}" y="${y + 15}" font-size="13">${bar.ratio.toFixed(2)}</text>` +
        tick
      );
    })
    .join('\n');
  const height = 60 + bars.length * rowHeight;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="12" y="24" font-size="15" font-weight="bold">${title}</text>
${rows}
</svg>
`;
}
