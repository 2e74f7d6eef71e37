// Passkeys: the profile's "Add a passkey" form and the sign-in page's passkey button.
// WebAuthn wants ArrayBuffers where the server's JSON has base64url strings, and back.
(function () {
  "use strict";

  function toBuffer(value) {
    var s = value.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var binary = atob(s);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  async function post(url, csrf, body) {
    var response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
    var data = await response.json().catch(function () { return {}; });
    if (!response.ok) throw new Error(data.detail || "Something went wrong; try again.");
    return data;
  }

  function say(box, text) {
    box.textContent = text;
    box.hidden = !text;
  }

  function supported() {
    if (!window.PublicKeyCredential) {
      // The page gives the sentence in its language (data-passkeys-unsupported).
      var said = document.querySelector("[data-passkeys-unsupported]");
      throw new Error((said && said.dataset.passkeysUnsupported) || "This browser cannot use passkeys.");
    }
  }

  var add = document.getElementById("passkey-add");
  if (add) {
    add.addEventListener("submit", async function (event) {
      event.preventDefault();
      var error = add.querySelector("[data-error]");
      say(error, "");
      try {
        supported();
        var options = await post(add.dataset.optionsUrl, add.dataset.csrf, {
          password: add.elements.password.value,
        });
        options.challenge = toBuffer(options.challenge);
        options.user.id = toBuffer(options.user.id);
        (options.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
        var made = await navigator.credentials.create({ publicKey: options });
        var credential = {
          id: made.id,
          rawId: toBase64url(made.rawId),
          type: made.type,
          response: {
            clientDataJSON: toBase64url(made.response.clientDataJSON),
            attestationObject: toBase64url(made.response.attestationObject),
            transports: made.response.getTransports ? made.response.getTransports() : [],
          },
          clientExtensionResults: made.getClientExtensionResults(),
        };
        await post(add.dataset.registerUrl, add.dataset.csrf, {
          name: add.elements.name.value,
          credential: credential,
        });
        window.location.reload();  // the list and the message come from the server
      } catch (e) {
        say(error, e.message);
      }
    });
  }

  var signIn = document.getElementById("passkey-sign-in");
  if (signIn) {
    signIn.hidden = false;
    signIn.addEventListener("click", async function () {
      var error = document.getElementById("passkey-error");
      say(error, "");
      try {
        supported();
        var options = await post(signIn.dataset.optionsUrl, signIn.dataset.csrf, {});
        options.challenge = toBuffer(options.challenge);
        (options.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
        var got = await navigator.credentials.get({ publicKey: options });
        var credential = {
          id: got.id,
          rawId: toBase64url(got.rawId),
          type: got.type,
          response: {
            clientDataJSON: toBase64url(got.response.clientDataJSON),
            authenticatorData: toBase64url(got.response.authenticatorData),
            signature: toBase64url(got.response.signature),
            userHandle: got.response.userHandle ? toBase64url(got.response.userHandle) : null,
          },
          clientExtensionResults: got.getClientExtensionResults(),
        };
        var done = await post(signIn.dataset.signInUrl, signIn.dataset.csrf, {
          credential: credential,
          next: signIn.dataset.next,
        });
        window.location.assign(done.redirect);
      } catch (e) {
        say(error, e.message);
      }
    });
  }
})();
