/* Tongda page-reading player (issue 7).
 *
 * Finds players by data-module="td-player". Continuous reading (连续朗读) starts from the top
 * (or resumes where it was paused), highlights the block being read and scrolls it into view
 * without moving focus; point reading (指读) plays one section from the "朗读本节" button
 * after each heading, or one paragraph from its "朗读此段" button (shown only when the reader
 * asks for them: they would clutter a long page). The 连续朗读 button is pressed only while
 * reading; its state (正在朗读 / 已暂停) is shown beside it and is its description. Every cue
 * change is announced to other components as
 *   document.dispatchEvent(new CustomEvent('td:audio-cue', {detail: {id, text}}))
 * (text = the sentence being read, for the toolbar's large-caption display; id null = stopped).
 * The toolbar drives the player with CustomEvent('td:speech', {detail: {action}}) where action
 * is play | pause | stop, and hears back CustomEvent('td:audio-state', {detail: {playing}})
 * whenever playback starts or stops, however it was started. Nothing plays until the user asks; nothing is announced through live
 * regions, so the player never talks over a screen reader.
 */
(function () {
  'use strict';

  var READING = 'td-player__reading';
  var STORE_RATE = 'td-audio-rate';
  var STORE_PARAGRAPHS = 'td-audio-paragraphs';

  function stored(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function store(key, value) {
    try {
      if (value === null) { window.localStorage.removeItem(key); } else { window.localStorage.setItem(key, value); }
    } catch (e) { /* private mode: the choice lasts for this page */ }
  }

  function reducedMotion() {
    return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  function parseTrackCues(track) {
    var list = track && track.cues;
    if (!list || !list.length) { return null; }
    var cues = [];
    for (var i = 0; i < list.length; i++) {
      var data = {};
      try { data = JSON.parse(list[i].text); } catch (e) { data = {text: list[i].text}; }
      cues.push({id: list[i].id, start: list[i].startTime, end: list[i].endTime,
                 text: data.text || '', sentences: data.sentences || []});
    }
    return cues;
  }

  function Player(root) {
    this.root = root;
    this.audio = root.querySelector('audio');
    this.trackEl = root.querySelector('track');
    this.cues = null;
    this.mode = null;          // 'continuous' | 'point' | null
    this.pointCue = null;
    this.pointTimer = null;
    this.current = null;       // element id being read
    this.sentence = null;      // sentence text being read
    this.continuousButton = root.querySelector('[data-td-player="continuous"]');
    this.state = root.querySelector('.td-player__state');
    this.idleText = this.state ? this.state.textContent : '';
    this.bind();
  }

  Player.prototype.loadCues = function () {
    var self = this;
    if (self.cues) { return Promise.resolve(self.cues); }
    var fromTrack = parseTrackCues(self.trackEl && self.trackEl.track);
    if (fromTrack) { self.cues = fromTrack; return Promise.resolve(fromTrack); }
    // The track may not be loaded yet (preload="none"); the JSON holds the same map.
    return fetch(self.root.getAttribute('data-td-timing'), {credentials: 'same-origin'})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) { self.cues = data.cues; return self.cues; });
  };

  Player.prototype.cueAt = function (t) {
    var cues = this.cues || [];
    for (var i = 0; i < cues.length; i++) {
      if (t >= cues[i].start && t < cues[i].end) { return cues[i]; }
    }
    return null;
  };

  Player.prototype.cueById = function (id) {
    var cues = this.cues || [];
    for (var i = 0; i < cues.length; i++) { if (cues[i].id === id) { return cues[i]; } }
    return null;
  };

  Player.prototype.element = function (id) {
    return id ? document.getElementById(id) : null;
  };

  Player.prototype.highlight = function (cue, t) {
    var id = cue ? cue.id : null;
    var text = '';
    if (cue) {
      text = cue.text;
      for (var i = 0; i < cue.sentences.length; i++) {
        var s = cue.sentences[i];
        if (t >= s.start && t < s.end) { text = s.text; break; }
      }
    }
    if (id === this.current && text === this.sentence) { return; }
    if (id !== this.current) {
      var old = this.element(this.current);
      if (old) { old.classList.remove(READING); }
      var el = this.element(id);
      if (el) {
        el.classList.add(READING);
        var box = el.getBoundingClientRect();
        if (box.top < 0 || box.bottom > window.innerHeight) {
          // Scrolling never moves focus: keyboard and screen-reader users stay where they are.
          el.scrollIntoView({block: 'center', behavior: reducedMotion() ? 'auto' : 'smooth'});
        }
      }
      this.current = id;
    }
    this.sentence = text;
    this.root.setAttribute('data-td-current', id || '');
    document.dispatchEvent(new CustomEvent('td:audio-cue', {detail: {id: id, text: text}}));
  };

  Player.prototype.onTime = function () {
    if (!this.mode) { return; }  // stopped: a seek back to 0 must not highlight the title
    var t = this.audio.currentTime;
    if (this.mode === 'point' && this.pointCue && t >= this.pointCue.end) {
      this.stopPoint();
      return;
    }
    if (this.cues) { this.highlight(this.cueAt(t), t); }
  };

  Player.prototype.setMode = function (mode) {
    this.mode = mode;
    this.root.setAttribute('data-td-mode', mode || '');
    // Stopping shows at once; starting shows when the audio really plays (no "paused" flash
    // while the timing map loads).
    if (!mode) { this.showState(); }
  };

  // Pressed only while reading: a paused player is not "playing", and says so beside the button.
  Player.prototype.showState = function () {
    var playing = !this.audio.paused && !this.audio.ended;
    var state = !this.mode ? 'stopped' : (playing ? 'playing' : 'paused');
    if (this.continuousButton) {
      this.continuousButton.setAttribute('aria-pressed', state === 'playing' && this.mode === 'continuous' ? 'true' : 'false');
    }
    if (this.state) {
      this.state.setAttribute('data-td-state', state);
      this.state.textContent = state === 'playing' ? '正在朗读' : (state === 'paused' ? '已暂停' : this.idleText);
    }
  };

  Player.prototype.play = function () {
    var self = this;
    var resume = self.mode === 'continuous' && !self.audio.ended;
    clearTimeout(self.pointTimer);
    self.pointCue = null;
    self.setMode('continuous');
    return self.loadCues().catch(function () { return null; }).then(function () {
      // 连续朗读 after point reading (or after the end) starts at the top; after a pause it resumes.
      if (!resume && self.audio.currentTime) { self.audio.currentTime = 0; }
      return self.audio.play();
    });
  };

  Player.prototype.pause = function () { this.audio.pause(); this.showState(); };

  Player.prototype.stop = function () {
    clearTimeout(this.pointTimer);
    this.audio.pause();
    try { this.audio.currentTime = 0; } catch (e) { /* not loaded yet */ }
    this.pointCue = null;
    this.setMode(null);
    this.highlight(null, 0);
  };

  Player.prototype.stopPoint = function () {
    clearTimeout(this.pointTimer);
    this.audio.pause();
    this.pointCue = null;
    this.setMode(null);
    this.highlight(null, 0);
  };

  // With preload="none" nothing is fetched until asked; a seek before the metadata is in
  // would be lost when loading starts, so load first, then seek.
  Player.prototype.ready = function () {
    var audio = this.audio;
    if (audio.readyState >= 1) { return Promise.resolve(); }
    return new Promise(function (resolve, reject) {
      var done = function () {
        audio.removeEventListener('loadedmetadata', done);
        audio.removeEventListener('error', fail);
        resolve();
      };
      var fail = function () {
        audio.removeEventListener('loadedmetadata', done);
        audio.removeEventListener('error', fail);
        reject(new Error('audio'));
      };
      audio.addEventListener('loadedmetadata', done);
      audio.addEventListener('error', fail);
      audio.preload = 'auto';
      audio.load();
    });
  };

  Player.prototype.readBlock = function (id, whole) {
    var self = this;
    return Promise.all([self.loadCues(), self.ready()]).then(function () {
      var cue = whole ? self.sectionOf(id) : self.cueById(id);
      if (!cue) { return null; }
      clearTimeout(self.pointTimer);
      self.pointCue = cue;
      self.setMode('point');
      self.audio.currentTime = cue.start;
      self.highlight(cue, cue.start);
      return self.audio.play().then(function () { self.armPointTimer(); });
    });
  };

  // A section: its heading's cue to the last cue before the next heading of its level or above.
  Player.prototype.sectionOf = function (id) {
    var cues = this.cues || [], heading = this.element(id), from = -1;
    for (var i = 0; i < cues.length; i++) { if (cues[i].id === id) { from = i; break; } }
    if (from < 0 || !heading) { return null; }
    var level = Number(heading.tagName.slice(1)) || 6, to = from;
    for (var j = from + 1; j < cues.length; j++) {
      var el = this.element(cues[j].id), tag = el ? el.tagName : '';
      if (/^H[1-6]$/.test(tag) && Number(tag.slice(1)) <= level) { break; }
      to = j;
    }
    return {id: id, start: cues[from].start, end: cues[to].end, text: cues[from].text,
            sentences: cues[from].sentences};
  };

  // timeupdate fires only about four times a second; a timer ends the block on time.
  Player.prototype.armPointTimer = function () {
    var self = this;
    var cue = self.pointCue;
    clearTimeout(self.pointTimer);
    if (!cue) { return; }
    var left = (cue.end - self.audio.currentTime) / (self.audio.playbackRate || 1);
    self.pointTimer = setTimeout(function () {
      if (self.pointCue === cue) { self.stopPoint(); }
    }, Math.max(0, left * 1000));
  };

  Player.prototype.bind = function () {
    this.bindAudio();
    this.bindControls();
    this.bindPage();
    var parts = this.root.querySelectorAll('.td-player__controls, .td-player__extra');
    for (var i = 0; i < parts.length; i++) { parts[i].hidden = false; }
    this.root.classList.add('td-player--js');
  };

  Player.prototype.bindAudio = function () {
    var self = this;
    var audio = self.audio;
    var announceState = function () {
      document.dispatchEvent(new CustomEvent('td:audio-state', {detail: {playing: !audio.paused}}));
    };
    audio.addEventListener('timeupdate', function () { self.onTime(); });
    audio.addEventListener('play', function () {
      if (!self.mode) { self.setMode('continuous'); }
      self.loadCues().then(function () { self.onTime(); }).catch(function () {});
    });
    audio.addEventListener('ended', function () { self.stop(); });
    audio.addEventListener('play', function () { self.showState(); });
    audio.addEventListener('playing', function () { self.showState(); announceState(); });
    audio.addEventListener('pause', function () { self.showState(); announceState(); });
    audio.addEventListener('ratechange', function () {
      if (self.mode === 'point') { self.armPointTimer(); }
    });
  };

  Player.prototype.bindControls = function () {
    var self = this;
    var audio = self.audio;
    var cont = self.root.querySelector('[data-td-player="continuous"]');
    if (cont) {
      cont.addEventListener('click', function () {
        if (self.mode === 'continuous' && !audio.paused) { self.pause(); } else { self.play(); }
      });
    }
    var stop = self.root.querySelector('[data-td-player="stop"]');
    if (stop) { stop.addEventListener('click', function () { self.stop(); }); }
    var rate = self.root.querySelector('[data-td-control="rate"]');
    if (rate) {
      var saved = null;
      try { saved = window.localStorage.getItem(STORE_RATE); } catch (e) { saved = null; }
      if (saved && rate.querySelector('option[value="' + saved + '"]')) { rate.value = saved; }
      var applyRate = function () {
        var v = Math.min(1.5, Math.max(0.75, parseFloat(rate.value) || 1));
        audio.defaultPlaybackRate = v;
        audio.playbackRate = v;
      };
      applyRate();
      rate.addEventListener('change', function () {
        applyRate();
        try { window.localStorage.setItem(STORE_RATE, rate.value); } catch (e) { /* private mode */ }
      });
    }
    var volume = self.root.querySelector('[data-td-control="volume"]');
    if (volume) {
      volume.addEventListener('input', function () { audio.volume = parseFloat(volume.value); });
    }
    var paragraphs = self.root.querySelector('[data-td-player="paragraphs"]');
    if (paragraphs) {
      paragraphs.addEventListener('click', function () {
        var on = paragraphs.getAttribute('aria-pressed') !== 'true';
        store(STORE_PARAGRAPHS, on ? 'on' : null);
        self.showParagraphButtons(on);
      });
    }
  };

  Player.prototype.showParagraphButtons = function (on) {
    var buttons = document.querySelectorAll('[data-td-read]');
    for (var i = 0; i < buttons.length; i++) { buttons[i].hidden = !on; }
    var toggle = this.root.querySelector('[data-td-player="paragraphs"]');
    if (toggle) { toggle.setAttribute('aria-pressed', on ? 'true' : 'false'); }
  };

  // A "朗读本节" button after each heading of the page's text that the timing map knows.
  Player.prototype.addSectionButtons = function () {
    var self = this;
    var region = self.root.closest('article') || document.querySelector('main');
    if (!region) { return; }
    var headings = region.querySelectorAll('h2[id], h3[id]');
    var blocks = document.querySelectorAll('[data-td-read]');
    var AFTER = Node.DOCUMENT_POSITION_FOLLOWING;
    // Only a section the timing map reads: one with a paragraph (its 朗读此段 button) before
    // the next heading (a box added after the audio, such as 在线申请, has none).
    var read = function (heading, next) {
      for (var k = 0; k < blocks.length; k++) {
        if ((heading.compareDocumentPosition(blocks[k]) & AFTER) &&
            (!next || (blocks[k].compareDocumentPosition(next) & AFTER))) { return true; }
      }
      return false;
    };
    for (var i = 0; i < headings.length; i++) {
      var heading = headings[i];
      if (self.root.contains(heading) || heading.closest('.td-answer, aside, .td-graph')) { continue; }
      if (!read(heading, headings[i + 1])) { continue; }
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'td-player__section';
      button.textContent = '朗读本节';
      button.setAttribute('aria-label', '朗读本节：' + heading.textContent.trim());
      button.setAttribute('data-td-read-section', heading.id);
      heading.insertAdjacentElement('afterend', button);
    }
  };

  // Point-reading buttons in the page, and the toolbar's speech commands.
  Player.prototype.bindPage = function () {
    var self = this;
    var buttons = document.querySelectorAll('[data-td-read]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener('click', function (event) {
        self.readBlock(event.currentTarget.getAttribute('data-td-read'));
      });
    }
    self.showParagraphButtons(stored(STORE_PARAGRAPHS) === 'on');
    self.addSectionButtons();
    document.addEventListener('click', function (event) {
      var section = event.target.closest && event.target.closest('[data-td-read-section]');
      if (section) { self.readBlock(section.getAttribute('data-td-read-section'), true); }
    });
    document.addEventListener('td:speech', function (event) {
      var action = event.detail && event.detail.action;
      if (action === 'play') { self.play(); }
      else if (action === 'pause') { self.pause(); }
      else if (action === 'stop') { self.stop(); }
    });
  };

  function start() {
    var roots = document.querySelectorAll('[data-module="td-player"]');
    for (var i = 0; i < roots.length; i++) {
      if (!roots[i].tdPlayer) { roots[i].tdPlayer = new Player(roots[i]); }
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
