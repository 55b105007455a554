/**
 * The web desk's script, served at `/desk.js` (the pages carry no inline script: strict CSP).
 * It keeps the SLA countdowns ticking, swaps in the queue or the thread when the server's event
 * stream says a case changed (one stream per page, fed by the instance's single poll loop),
 * beeps and marks the title for new and escalated cases, fills in canned replies, and disables
 * a form's buttons once it is sent (the server also ignores a repeat of the same form).
 */
export const DESK_SCRIPT = `(() => {
  const two = (n) => String(n).padStart(2, '0');
  const span = (ms, days) => {
    const s = Math.floor(Math.abs(ms) / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    if (h >= 48 && days) return days.replace('{days}', Math.floor(h / 24)).replace('{hours}', h % 24);
    return h > 0 ? h + ':' + two(m) + ':' + two(s % 60) : m + ':' + two(s % 60);
  };
  const tick = () => {
    for (const el of document.querySelectorAll('.sla[data-deadline]')) {
      const left = new Date(el.dataset.deadline).getTime() - Date.now();
      const text = (left > 0 ? el.dataset.left : el.dataset.overdue) || '';
      el.textContent = text.replace('{time}', span(left, el.dataset.days));
      el.classList.toggle('late', left <= 0);
    }
  };
  tick();
  setInterval(tick, 1000);

  const baseTitle = document.title;
  let unseen = 0;
  const alert = (count) => {
    unseen += count;
    document.title = '(' + unseen + ') 🔔 ' + baseTitle;
    try {
      const Context = window.AudioContext || window.webkitAudioContext;
      const audio = new Context(), tone = audio.createOscillator(), gain = audio.createGain();
      tone.frequency.value = 880; gain.gain.value = 0.08;
      tone.connect(gain); gain.connect(audio.destination);
      tone.start(); tone.stop(audio.currentTime + 0.3);
    } catch (e) { /* no sound before the first click: the title still says it */ }
  };
  const seen = () => { unseen = 0; document.title = baseTitle; };
  window.addEventListener('focus', seen);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) seen(); });

  const queue = document.getElementById('queue');
  const head = document.querySelector('.case-head[data-id]');
  const live = document.getElementById('live');
  const refresh = async (url, target, outer) => {
    const response = await fetch(url, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
    if (!response.ok) return;
    const html = await response.text();
    if (outer) target.outerHTML = html; else target.innerHTML = html;
    tick();
  };
  if ((queue || head) && window.EventSource) {
    const events = new EventSource('/desk/events');
    // A change between this page's render and the stream's start would go unheard: look once.
    events.onopen = () => {
      if (live) live.textContent = live.dataset.live || '';
      if (queue) refresh('/desk/queue' + location.search, queue, false);
    };
    events.onerror = () => { if (live) live.textContent = live.dataset.offline || ''; };
    events.addEventListener('queue', (event) => {
      const change = JSON.parse(event.data);
      if (queue) {
        if (change.alerts.length > 0) alert(change.alerts.length);
        refresh('/desk/queue' + location.search, queue, false);
      } else if (head && change.changed.includes(head.dataset.id)) {
        const thread = document.getElementById('thread');
        if (thread) refresh('/desk/cases/' + head.dataset.id + '/thread', thread, true);
      }
    });
  }

  document.addEventListener('change', (event) => {
    const picker = event.target;
    if (!picker.matches || !picker.matches('select.canned') || !picker.value) return;
    const text = picker.form.querySelector('textarea[name="text"]');
    text.value = text.value ? text.value + '\\n' + picker.value : picker.value;
    picker.value = '';
    text.focus();
  });
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (form.method !== 'post') return;
    setTimeout(() => { for (const button of form.querySelectorAll('button')) button.disabled = true; }, 0);
  });
})();
`;
