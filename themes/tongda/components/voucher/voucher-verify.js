/* 数据凭证核验（浏览器端，离线）：与 functions/voucher/verify.py 做同样的检查。
 * eddsa-jcs-2022 签名（RFC 8785 JCS + Ed25519）、位串状态列表、RFC 9162 收录与一致性证明、
 * C2SP 签名检查点。Ed25519 用 WebCrypto；浏览器不支持时才加载本站自带的 @noble/ed25519。
 * Nothing here talks to a server: the page hands in the trust data it has. */
(function (global) {
  "use strict";
  var enc = new TextEncoder();
  var B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  var LOG_SERVICE = "TransparencyLog", EVIDENCE = "TransparencyLogInclusion", ISSUE = "voucher.issue";
  var api = { fallbackUrl: null, useFallback: false, engine: null };

  /* RFC 8785: ECMAScript number and string serialisation, keys sorted by UTF-16 code units. */
  function jcs(value) {
    if (value === null || typeof value !== "object") {
      if (typeof value === "number" && !isFinite(value)) { throw new Error("JCS: 数值无效"); }
      return JSON.stringify(value);
    }
    if (Array.isArray(value)) { return "[" + value.map(jcs).join(",") + "]"; }
    return "{" + Object.keys(value).filter(function (k) { return value[k] !== undefined; }).sort()
      .map(function (k) { return JSON.stringify(k) + ":" + jcs(value[k]); }).join(",") + "}";
  }
  function concat() {
    var parts = Array.prototype.slice.call(arguments), size = 0, at = 0;
    parts.forEach(function (p) { size += p.length; });
    var out = new Uint8Array(size);
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }
  function equal(a, b) {
    if (!a || !b || a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }
  function hex(bytes) { return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join(""); }
  function sha256(bytes) { return crypto.subtle.digest("SHA-256", bytes).then(function (d) { return new Uint8Array(d); }); }
  function unb64(text) {
    if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4) { throw new Error("不是有效的 base64"); }
    var bin = atob(text), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }
  function unb64url(text) {
    var s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    return unb64(s);
  }
  function b64(bytes) { return btoa(String.fromCharCode.apply(null, Array.prototype.slice.call(bytes))); }
  function unb58(text) {
    var little = [], zeros = 0;
    for (var i = 0; i < text.length; i++) {
      var carry = B58.indexOf(text[i]);
      if (carry < 0) { throw new Error("不是 base58"); }
      for (var j = 0; j < little.length; j++) { carry += little[j] * 58; little[j] = carry & 255; carry >>= 8; }
      while (carry) { little.push(carry & 255); carry >>= 8; }
    }
    while (zeros < text.length && text[zeros] === "1") { zeros++; }
    var out = new Uint8Array(zeros + little.length);
    for (var k = 0; k < little.length; k++) { out[zeros + k] = little[little.length - 1 - k]; }
    return out;
  }
  function multikey(text) {
    if (typeof text !== "string" || text[0] !== "z") { throw new Error("不是 Multikey"); }
    var data = unb58(text.slice(1));
    if (data.length !== 34 || data[0] !== 0xed || data[1] !== 0x01) { throw new Error("不是 Ed25519 公钥"); }
    return data.slice(2);
  }

  /* Ed25519: WebCrypto where the browser has it, else the vendored @noble/ed25519 (RFC 8032 strict). */
  function engine() {
    if (api.engine) { return api.engine; }
    var probe = new Uint8Array(32); probe[0] = 1;  // the neutral point: a valid encoding
    var native = api.useFallback ? Promise.reject(new Error("fallback")) :
      crypto.subtle.importKey("raw", probe, { name: "Ed25519" }, false, ["verify"]);
    api.engine = native.then(function () {
      return { name: "webcrypto", verify: function (pub, sig, msg) {
        return crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"])
          .then(function (key) { return crypto.subtle.verify({ name: "Ed25519" }, key, sig, msg); })
          .catch(function () { return false; });
      } };
    }, function () {
      if (!api.fallbackUrl) { throw new Error("此浏览器不支持 Ed25519，且没有备用实现。"); }
      return import(api.fallbackUrl).then(function (ed) {
        return { name: "noble", verify: function (pub, sig, msg) {
          return ed.verifyAsync(sig, msg, pub, { zip215: false }).catch(function () { return false; });
        } };
      });
    });
    return api.engine;
  }
  function verifySignature(pub, sig, msg) { return engine().then(function (e) { return e.verify(pub, sig, msg); }); }

  /* eddsa-jcs-2022 (W3C VC Data Integrity EdDSA 3.3). Resolves to the method, or rejects with a reason. */
  function verifyProof(doc, resolve) {
    var proof = doc && doc.proof;
    if (!proof || typeof proof !== "object") { return Promise.reject(new Error("没有签名（proof）。")); }
    if (proof.type !== "DataIntegrityProof" || proof.cryptosuite !== "eddsa-jcs-2022") { return Promise.reject(new Error("签名类型不是 DataIntegrityProof / eddsa-jcs-2022。")); }
    if (proof.proofPurpose !== "assertionMethod") { return Promise.reject(new Error("签名用途应为 assertionMethod。")); }
    var options = {}, unsecured = {};
    Object.keys(proof).forEach(function (k) { if (k !== "proofValue") { options[k] = proof[k]; } });
    Object.keys(doc).forEach(function (k) { if (k !== "proof") { unsecured[k] = doc[k]; } });
    if (options["@context"] !== undefined) {
      var c = options["@context"], d = unsecured["@context"];
      if (!Array.isArray(c) || !Array.isArray(d) || jcs(d.slice(0, c.length)) !== jcs(c)) { return Promise.reject(new Error("签名的 @context 与文档不符。")); }
      unsecured["@context"] = c;
    }
    var key = typeof proof.verificationMethod === "string" ? resolve(proof.verificationMethod) : null;
    if (!key) { return Promise.reject(new Error("签名密钥 " + proof.verificationMethod + " 不在签发者公布的密钥中。")); }
    var signature;
    try {
      if (typeof proof.proofValue !== "string" || proof.proofValue[0] !== "z") { throw new Error(); }
      signature = unb58(proof.proofValue.slice(1));
    } catch (e) { return Promise.reject(new Error("签名值格式不对。")); }
    return Promise.all([sha256(enc.encode(jcs(options))), sha256(enc.encode(jcs(unsecured)))])
      .then(function (h) { return verifySignature(key, signature, concat(h[0], h[1])); })
      .then(function (ok) {
        if (!ok) { throw new Error("签名无效：内容在签发后被改动，或签名不是所称密钥所签。"); }
        return proof.verificationMethod;
      });
  }
  function assertionKey(didDoc, method) {
    if (!didDoc || (didDoc.assertionMethod || []).indexOf(method) < 0) { return null; }
    var found = (didDoc.verificationMethod || []).filter(function (m) {
      return m && m.id === method && m.type === "Multikey" && m.controller === didDoc.id;
    })[0];
    try { return found ? multikey(found.publicKeyMultibase) : null; } catch (e) { return null; }
  }

  /* RFC 9162 2.1.3.2 and 2.1.4.2, with each hash through WebCrypto. */
  function nodeHash(l, r) { return sha256(concat(new Uint8Array([1]), l, r)); }
  function leafHash(data) { return sha256(concat(new Uint8Array([0]), data)); }
  function verifyInclusion(index, size, leaf, proof, root) {
    if (!(index >= 0 && index < size) || proof.some(function (p) { return p.length !== 32; })) { return Promise.resolve(false); }
    var fn = index, sn = size - 1, chain = Promise.resolve(leaf), bad = false;
    proof.forEach(function (p) {
      if (sn === 0) { bad = true; return; }
      if (fn % 2 === 1 || fn === sn) {
        chain = chain.then(function (r) { return nodeHash(p, r); });
        if (fn % 2 === 0) { while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
      } else {
        chain = chain.then(function (r) { return nodeHash(r, p); });
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    });
    return chain.then(function (r) { return !bad && sn === 0 && equal(r, root); });
  }
  function verifyConsistency(old, size, proof, oldRoot, newRoot) {
    if (old < 0 || old > size || proof.some(function (p) { return p.length !== 32; })) { return Promise.resolve(false); }
    if (old === size) { return Promise.resolve(proof.length === 0 && equal(oldRoot, newRoot)); }
    if (old === 0) { return Promise.resolve(proof.length === 0); }
    var path = proof.slice();
    if ((old & (old - 1)) === 0) { path.unshift(oldRoot); }
    if (!path.length) { return Promise.resolve(false); }
    var fn = old - 1, sn = size - 1, bad = false;
    while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    var chain = Promise.resolve([path[0], path[0]]);
    path.slice(1).forEach(function (c) {
      if (sn === 0) { bad = true; return; }
      if (fn % 2 === 1 || fn === sn) {
        chain = chain.then(function (h) { return Promise.all([nodeHash(c, h[0]), nodeHash(c, h[1])]); });
        if (fn % 2 === 0) { while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
      } else {
        chain = chain.then(function (h) { return Promise.all([h[0], nodeHash(h[1], c)]); });
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    });
    return chain.then(function (h) { return !bad && sn === 0 && equal(h[0], oldRoot) && equal(h[1], newRoot); });
  }

  /* C2SP signed notes and checkpoints. */
  function splitNote(note) {
    var at = typeof note === "string" ? note.lastIndexOf("\n\n") : -1;
    if (at < 0 || note[note.length - 1] !== "\n") { throw new Error("不是签名文本。"); }
    var text = note.slice(0, at + 1), sigs = note.slice(at + 2, -1).split("\n").map(function (line) {
      if (line.indexOf("\u2014 ") !== 0) { throw new Error("签名行格式不对。"); }
      var parts = line.slice(2).split(" ");
      if (parts.length !== 2) { throw new Error("签名行格式不对。"); }
      var blob = unb64(parts[1]);
      if (blob.length < 5) { throw new Error("签名行格式不对。"); }
      return { name: parts[0], id: blob.slice(0, 4), sig: blob.slice(4) };
    });
    return { text: text, signatures: sigs };
  }
  function parseCheckpoint(text) {
    var lines = text.split("\n");
    if (lines.length < 4 || lines[lines.length - 1] !== "" || !/^(0|[1-9][0-9]*)$/.test(lines[1])) { throw new Error("检查点格式不对。"); }
    var root = unb64(lines[2]);
    if (root.length !== 32) { throw new Error("检查点的根哈希应为 32 字节。"); }
    return { origin: lines[0], size: Number(lines[1]), root: root };
  }
  function parseVerifierKey(vkey) {
    var a = vkey.indexOf("+"), b = vkey.indexOf("+", a + 1);
    var material = unb64(vkey.slice(b + 1));
    if (a < 1 || b < 0 || material.length !== 33 || material[0] !== 1) { throw new Error("校验密钥格式不对。"); }
    var name = vkey.slice(0, a), id = vkey.slice(a + 1, b), pub = material.slice(1);
    return sha256(concat(enc.encode(name + "\n"), new Uint8Array([1]), pub)).then(function (h) {
      if (hex(h.slice(0, 4)) !== id) { throw new Error("校验密钥的编号与公钥不符。"); }
      return { name: name, id: h.slice(0, 4), pub: pub };
    });
  }
  function openCheckpoint(note, vkey, origin) {
    var parsed, claimed;
    try { parsed = splitNote(note); claimed = parseCheckpoint(parsed.text); } catch (e) { return Promise.reject(e); }
    if (claimed.origin !== origin) { return Promise.reject(new Error("检查点来自另一个日志（" + claimed.origin + "），不是本站日志 " + origin + "。")); }
    return parseVerifierKey(vkey).then(function (key) {
      var mine = parsed.signatures.filter(function (s) { return s.name === key.name && equal(s.id, key.id); });
      if (!mine.length) { throw new Error("检查点没有本站日志密钥的签名。"); }
      return Promise.all(mine.map(function (s) { return verifySignature(key.pub, s.sig, enc.encode(parsed.text)); }));
    }).then(function (results) {
      if (results.indexOf(false) >= 0) { throw new Error("检查点的签名无效：检查点被改动或伪造。"); }
      var point = parseCheckpoint(parsed.text);
      if (point.origin !== origin) { throw new Error("检查点来自另一个日志（" + point.origin + "），不是 " + origin + "。"); }
      return point;
    });
  }
  function logService(didDoc) {
    return ((didDoc && didDoc.service) || []).filter(function (s) {
      return s && s.type === LOG_SERVICE && typeof s.origin === "string" && typeof s.verifierKey === "string";
    })[0] || null;
  }

  /* Bitstring Status List: multibase base64url, GZIP, bit 0 is the first byte's high bit. */
  function gunzip(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  function check(name, label, ok, detail) { return { name: name, label: label, ok: ok, detail: detail }; }
  function issuerOf(doc) { var i = doc && doc.issuer; return i && typeof i === "object" ? i.id : i; }
  function evidenceOf(cred) {
    return (cred.evidence || []).filter(function (e) { return e && Array.isArray(e.type) && e.type.indexOf(EVIDENCE) >= 0; })[0] || null;
  }
  function bodyOf(cred) {
    var out = {};
    Object.keys(cred).forEach(function (k) { if (k !== "proof" && k !== "evidence") { out[k] = cred[k]; } });
    return out;
  }
  function fail(name, label) { return function (e) { return check(name, label, false, e.message || String(e)); }; }

  function checkSignature(cred, didDoc) {
    var label = "签发者签名", issuer = issuerOf(cred);
    if (!issuer || issuer !== didDoc.id) { return Promise.resolve(check("signature", label, false, "签发者 " + issuer + " 不是本站公布的 " + didDoc.id + "。")); }
    var method = String((cred.proof || {}).verificationMethod || "");
    if (method.indexOf(issuer + "#") !== 0) { return Promise.resolve(check("signature", label, false, "签名密钥不属于签发者。")); }
    return verifyProof(cred, function (m) { return assertionKey(didDoc, m); })
      .then(function () { return check("signature", label, true, "由 " + issuer + " 的公布密钥签发，签发后未被改动。"); }, fail("signature", label));
  }
  function checkValidity(cred, now) {
    var label = "有效期", from = Date.parse(cred.validFrom), until = Date.parse(cred.validUntil);
    if (isNaN(from) || isNaN(until)) { return check("validity", label, false, "凭证没有写明有效期。"); }
    if (now < from) { return check("validity", label, false, "凭证自 " + cred.validFrom + " 起才生效。"); }
    if (now > until) { return check("validity", label, false, "凭证已于 " + cred.validUntil + " 过期。"); }
    return check("validity", label, true, "在有效期内（至 " + cred.validUntil + "）。");
  }
  function checkStatus(cred, didDoc, list) {
    var label = "撤销状态", entry = cred.credentialStatus;
    if (!list) { return Promise.resolve(check("status", label, false, "没有取得状态列表，无法确认凭证是否已被撤销。")); }
    if (!entry || entry.type !== "BitstringStatusListEntry" || entry.statusPurpose !== "revocation") { return Promise.resolve(check("status", label, false, "凭证没有位串状态列表条目（credentialStatus）。")); }
    if (entry.statusListCredential !== list.id) { return Promise.resolve(check("status", label, false, "凭证所指的状态列表不是所提供的这一份。")); }
    if (!/^[0-9]+$/.test(entry.statusListIndex || "")) { return Promise.resolve(check("status", label, false, "状态序号应为十进制数字字符串。")); }
    if (issuerOf(list) !== didDoc.id) { return Promise.resolve(check("status", label, false, "状态列表不是本站签发的。")); }
    var index = Number(entry.statusListIndex), encoded = ((list.credentialSubject || {}).encodedList) || "";
    return verifyProof(list, function (m) { return assertionKey(didDoc, m); }).then(function () {
      if (encoded[0] !== "u") { throw new Error("状态列表应为 base64url 多重基编码（以 u 开头）。"); }
      return gunzip(unb64url(encoded.slice(1))).catch(function () { throw new Error("状态列表无法解压。"); });
    }).then(function (bits) {
      if (bits.length * 8 < 131072) { throw new Error("状态列表短于规范要求的 131072 位。"); }
      if (index >= bits.length * 8) { throw new Error("凭证的状态序号超出状态列表的范围。"); }
      var revoked = (bits[index >> 3] & (0x80 >> (index % 8))) !== 0;
      return revoked ? check("status", label, false, "凭证已被本人撤销（状态列表更新于 " + list.validFrom + "）。")
        : check("status", label, true, "未被撤销（状态列表更新于 " + list.validFrom + "）。");
    }).catch(fail("status", label));
  }
  function checkInclusion(cred) {
    var label = "日志收录证明", ev = evidenceOf(cred);
    if (!ev) { return Promise.resolve(check("inclusion", label, false, "凭证没有透明日志收录证明。")); }
    var point, proof;
    try {
      point = parseCheckpoint(splitNote(ev.checkpoint).text);
      proof = (ev.inclusionProof || []).map(unb64);
    } catch (e) { return Promise.resolve(check("inclusion", label, false, "收录证明格式不对：" + e.message)); }
    if (point.size !== ev.treeSize) { return Promise.resolve(check("inclusion", label, false, "收录证明的树大小与检查点不符。")); }
    return sha256(enc.encode(jcs(bodyOf(cred)))).then(function (digest) {
      return leafHash(enc.encode(jcs({ v: 1, type: ISSUE, credential: hex(digest) })));
    }).then(function (leaf) { return verifyInclusion(ev.leafIndex, ev.treeSize, leaf, proof, point.root); })
      .then(function (ok) {
        return ok ? check("inclusion", label, true, "凭证是日志第 " + (ev.leafIndex + 1) + " 条记录（共 " + ev.treeSize + " 条时）。")
          : check("inclusion", label, false, "凭证内容与日志记录不符：凭证被改动，或收录证明不属于这张凭证。");
      });
  }
  function checkCheckpoint(cred, didDoc) {
    var label = "日志检查点签名", ev = evidenceOf(cred), log = logService(didDoc);
    if (!ev || !log) { return Promise.resolve(check("checkpoint", label, false, "没有检查点，或本站没有公布日志密钥。")); }
    return openCheckpoint(String(ev.checkpoint), log.verifierKey, log.origin).then(function (point) {
      return check("checkpoint", label, true, "检查点由本站日志 " + log.origin + " 签名（" + point.size + " 条）。");
    }, fail("checkpoint", label));
  }
  function sri(bytes) { return sha256(bytes).then(function (d) { return "sha256-" + b64(d); }); }
  function checkReport(cred, reportText) {
    var label = "数据报告";
    var wanted = (cred.relatedResource || []).map(function (r) { return r && r.digestSRI; });
    var forms = [enc.encode(reportText)];
    try { forms.push(enc.encode(jcs(JSON.parse(reportText)))); } catch (e) { /* not JSON: raw bytes only */ }
    return Promise.all(forms.map(sri)).then(function (digests) {
      return digests.some(function (d) { return wanted.indexOf(d) >= 0; })
        ? check("report", label, true, "报告与凭证所载摘要一致，未被改动。")
        : check("report", label, false, "报告与凭证所载摘要不符：报告被改动，或不是这张凭证的报告。");
    });
  }

  /** Every check of a voucher: {name, label, ok, detail} in a fixed order. */
  function verifyVoucher(cred, trust) {
    if (!cred || typeof cred !== "object" || Array.isArray(cred)) {
      return Promise.resolve([check("format", "凭证格式", false, "不是 JSON 对象。")]);
    }
    var didDoc = trust.did || {}, now = trust.now || Date.now();
    var checks = [checkSignature(cred, didDoc), Promise.resolve(checkValidity(cred, now)),
      checkStatus(cred, didDoc, trust.statusList), checkInclusion(cred), checkCheckpoint(cred, didDoc)];
    if (typeof trust.report === "string") { checks.push(checkReport(cred, trust.report)); }
    return Promise.all(checks);
  }
  /** Whether newNote's log extends oldNote's (both signed by the site's log), given the proof. */
  function verifyLogConsistency(oldNote, newNote, proof, didDoc) {
    var log = logService(didDoc);
    if (!log) { return Promise.resolve(check("consistency", "日志一致性", false, "本站没有公布日志密钥。")); }
    return Promise.all([openCheckpoint(oldNote, log.verifierKey, log.origin), openCheckpoint(newNote, log.verifierKey, log.origin)])
      .then(function (p) {
        return verifyConsistency(p[0].size, p[1].size, proof.map(unb64), p[0].root, p[1].root).then(function (ok) {
          return ok ? check("consistency", "日志一致性", true, p[1].size + " 条的日志完整包含 " + p[0].size + " 条时的全部记录。")
            : check("consistency", "日志一致性", false, p[1].size + " 条的日志不是 " + p[0].size + " 条时的延续：历史记录被改写。");
        });
      }).catch(fail("consistency", "日志一致性"));
  }

  api.jcs = jcs;
  api.verifyVoucher = verifyVoucher;
  api.verifyLogConsistency = verifyLogConsistency;
  api.verifyInclusion = verifyInclusion;
  api.verifyConsistency = verifyConsistency;
  api.leafHash = leafHash;
  api.unb64 = unb64;
  api.engineName = function () { return engine().then(function (e) { return e.name; }); };
  global.TongdaVoucher = api;
})(window);
