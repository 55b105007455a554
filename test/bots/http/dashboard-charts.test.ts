import { columnChart, countMax, PALETTE, stackedChart } from '../../../bots/http/dashboard-charts';

/** The y-axis tick labels of a drawn chart. */
const ticks = (svg: string) => [...svg.matchAll(/class="tick">([^<]*)</g)].map((m) => m[1]);

describe('dashboard charts', () => {
  it('when counts are small, then the axis steps by whole numbers', () => {
    expect(countMax(2)).toBe(4);
    expect(countMax(7)).toBe(8);
    expect(countMax(37)).toBe(40);
    const svg = columnChart({ title: 't', items: [{ label: 'a', value: 2 }], count: true });
    expect(ticks(svg).slice(0, 5)).toEqual(['0', '1', '2', '3', '4']);
  });

  it('when a bar names its list, then the bar is a link with its value on hover', () => {
    const svg = columnChart({
      title: 't',
      items: [{ label: 'Building 3', value: 5, href: '/dashboard/cases/list?building=3&lang=en' }],
      count: true,
    });
    expect(svg).toContain('<a href="/dashboard/cases/list?building=3&amp;lang=en" class="drill"><rect');
    expect(svg).toContain('<title>Building 3: 5</title>');
    const stacked = stackedChart({
      title: 's',
      labels: ['2026Q4'],
      share: true,
      stacks: [
        { label: 'Met', values: [3] },
        { label: 'Breached', values: [1] },
      ],
      href: (column, stack) => `/list?c=${column}&s=${stack}`,
    });
    expect(stacked).toContain('<title>2026Q4 Breached: 1 (25%)</title>');
    expect(stacked).toContain('href="/list?c=0&amp;s=1"');
  });

  it('when series take colours, then any two differ in hue, lightness or saturation', () => {
    const hsl = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [
        number,
        number,
        number,
      ];
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      const l = (max + min) / 2;
      const d = max - min;
      const s = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
      const h =
        d === 0
          ? 0
          : max === r
            ? 60 * (((g - b) / d) % 6)
            : max === g
              ? 60 * ((b - r) / d + 2)
              : 60 * ((r - g) / d + 4);
      return { h: (h + 360) % 360, s, l };
    };
    for (let i = 0; i < PALETTE.length; i++)
      for (let j = i + 1; j < PALETTE.length; j++) {
        const [a, b] = [hsl(PALETTE[i] as string), hsl(PALETTE[j] as string)];
        const hue = Math.min(Math.abs(a.h - b.h), 360 - Math.abs(a.h - b.h));
        const apart = hue >= 25 || Math.abs(a.l - b.l) >= 0.18 || Math.abs(a.s - b.s) >= 0.35;
        expect({ pair: [PALETTE[i], PALETTE[j]], apart }).toEqual({
          pair: [PALETTE[i], PALETTE[j]],
          apart: true,
        });
      }
    // The old pair that looked the same: teal #0f766e next to emerald #059669.
    const [teal, emerald] = [hsl('#0f766e'), hsl('#059669')];
    expect(Math.abs(teal.h - emerald.h) < 25 && Math.abs(teal.l - emerald.l) < 0.18).toBe(true);
  });
});
