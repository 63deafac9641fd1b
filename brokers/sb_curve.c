/*  sb_curve.c — CURVE on the broker's sockets and its clients'
    (sb_curve.h, docs/security.md).                                       */

#include "sb_curve.h"
#include <sys/stat.h>
#include <unistd.h>

struct _sb_curve_server_t {
    zcert_t *cert;               //  the server's keys
    zactor_t *auth;              //  zauth: the ZAP handler of this process
};

//  True if all size bytes of key are zero: zcert's mark of a key that
//  was not in the file.
static bool
s_key_missing (const byte *key)
{
    for (size_t index = 0; index < 32; index++)
        if (key [index])
            return false;
    return true;
}

zcert_t *
sb_curve_cert_load (const char *what, const char *path, bool need_secret, char *err,
                    size_t errlen)
{
    struct stat info;
    if (!path || !*path) {
        sb_error_set (err, errlen, "%s: empty path", what);
        return NULL;
    }
    if (stat (path, &info) || access (path, R_OK)) {
        sb_error_set (err, errlen, "%s %s: cannot read: %s", what, path, strerror (errno));
        return NULL;
    }
    if (!S_ISREG (info.st_mode)) {
        sb_error_set (err, errlen, "%s %s: not a file", what, path);
        return NULL;
    }
    //  zcert_load prefers PATH_secret when it exists: a public path whose
    //  secret lies beside it loads both keys, as zcert means it to
    zcert_t *cert = zcert_load (path);
    if (!cert || s_key_missing (zcert_public_key (cert))) {
        sb_error_set (err, errlen, "%s %s: not a CURVE certificate (no valid curve/public-key; "
                      "make one with sbkeys new)", what, path);
        zcert_destroy (&cert);
        return NULL;
    }
    if (need_secret && s_key_missing (zcert_secret_key (cert))) {
        sb_error_set (err, errlen, "%s %s: holds no secret key (give the _secret file "
                      "sbkeys new wrote)", what, path);
        zcert_destroy (&cert);
        return NULL;
    }
    return cert;
}

//  --------------------------------------------------------------------------
//  Server side

sb_curve_server_t *
sb_curve_server_new (const char *certificate, const char *clients, char *err, size_t errlen)
{
    struct stat info;
    if (!zsys_has_curve ()) {
        sb_error_set (err, errlen, "broker/curve: this libzmq was built without CURVE");
        return NULL;
    }
    if (!clients || !*clients) {
        sb_error_set (err, errlen, "broker/curve/clients: missing (the directory of the "
                      "allowed clients' public certificates)");
        return NULL;
    }
    if (stat (clients, &info) == 0 && !S_ISDIR (info.st_mode)) {
        sb_error_set (err, errlen, "broker/curve/clients %s: not a directory", clients);
        return NULL;
    }
    if (stat (clients, &info) || access (clients, R_OK | X_OK)) {
        sb_error_set (err, errlen, "broker/curve/clients %s: cannot read: %s", clients,
                      strerror (errno));
        return NULL;
    }
    sb_curve_server_t *self = (sb_curve_server_t *) calloc (1, sizeof (sb_curve_server_t));
    if (!self) {
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    self->cert = sb_curve_cert_load ("broker/curve/certificate", certificate, true, err, errlen);
    if (self->cert)
        self->auth = zactor_new (zauth, NULL);
    //  VERBOSE: zauth logs each handshake, allowed or denied, with the
    //  client's key and address: the only trace of a refused client
    if (self->auth
    &&  (zstr_sendx (self->auth, "VERBOSE", NULL) || zsock_wait (self->auth) < 0
    ||   zstr_sendx (self->auth, "CURVE", clients, NULL) || zsock_wait (self->auth) < 0))
        zactor_destroy (&self->auth);
    if (self->cert && !self->auth)
        sb_error_set (err, errlen, "broker/curve: cannot start the authenticator (zauth)");
    if (!self->auth)
        sb_curve_server_destroy (&self);
    return self;
}

void
sb_curve_server_destroy (sb_curve_server_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_curve_server_t *self = *self_p;
    zactor_destroy (&self->auth);
    zcert_destroy (&self->cert);
    free (self);
    *self_p = NULL;
}

void
sb_curve_server_apply (sb_curve_server_t *self, zsock_t *socket)
{
    zcert_apply (self->cert, socket);
    zsock_set_curve_server (socket, 1);
    zsock_set_zap_domain (socket, SB_CURVE_ZAP_DOMAIN);
}

const char *
sb_curve_server_public_key (sb_curve_server_t *self)
{
    return zcert_public_txt (self->cert);
}

//  --------------------------------------------------------------------------
//  Client side

//  The server's public key from SB_CURVE_SERVER's value: a file holding
//  a certificate, else Z85 text. Writes it as Z85 into key. Returns 0 or
//  -1 with the reason.
static int
s_server_key (const char *value, char key [SB_CURVE_KEY_LEN + 1], char *err, size_t errlen)
{
    byte decoded [32];
    if (access (value, F_OK) && strlen (value) == SB_CURVE_KEY_LEN
    &&  zmq_z85_decode (decoded, value) && !s_key_missing (decoded)) {
        memcpy (key, value, SB_CURVE_KEY_LEN + 1);
        return 0;
    }
    if (access (value, F_OK) && !strchr (value, '/'))
        return sb_error_set (err, errlen, SB_CURVE_ENV_SERVER " '%s': neither a Z85 key "
                             "(40 characters) nor a certificate file", value);
    zcert_t *cert = sb_curve_cert_load (SB_CURVE_ENV_SERVER, value, false, err, errlen);
    if (!cert)
        return -1;
    snprintf (key, SB_CURVE_KEY_LEN + 1, "%s", zcert_public_txt (cert));
    zcert_destroy (&cert);
    return 0;
}

//  Loads both settings when either is set. Returns 0 with *cert NULL when
//  CURVE is off, 0 with *cert and key when on, -1 with the reason.
static int
s_client_settings (zcert_t **cert, char key [SB_CURVE_KEY_LEN + 1], char *err, size_t errlen)
{
    *cert = NULL;
    const char *path = getenv (SB_CURVE_ENV_CERT);
    const char *server = getenv (SB_CURVE_ENV_SERVER);
    path = path && *path? path: NULL;
    server = server && *server? server: NULL;
    if (!path && !server)
        return 0;
    if (!path || !server)
        return sb_error_set (err, errlen, "%s is set but %s is not: CURVE needs both",
                             path? SB_CURVE_ENV_CERT: SB_CURVE_ENV_SERVER,
                             path? SB_CURVE_ENV_SERVER: SB_CURVE_ENV_CERT);
    if (!zsys_has_curve ())
        return sb_error_set (err, errlen, SB_CURVE_ENV_CERT ": this libzmq was built without CURVE");
    if (s_server_key (server, key, err, errlen))
        return -1;
    *cert = sb_curve_cert_load (SB_CURVE_ENV_CERT, path, true, err, errlen);
    return *cert? 0: -1;
}

int
sb_curve_client_apply (zsock_t *socket, char *err, size_t errlen)
{
    zcert_t *cert;
    char key [SB_CURVE_KEY_LEN + 1];
    if (s_client_settings (&cert, key, err, errlen))
        return -1;
    if (cert) {
        zcert_apply (cert, socket);
        zsock_set_curve_serverkey (socket, key);
        zcert_destroy (&cert);
    }
    return 0;
}

int
sb_curve_client_check (char *err, size_t errlen)
{
    zcert_t *cert;
    char key [SB_CURVE_KEY_LEN + 1];
    if (s_client_settings (&cert, key, err, errlen))
        return -1;
    zcert_destroy (&cert);
    return 0;
}
