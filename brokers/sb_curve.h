/*  sb_curve.h — CURVE encryption and authentication of the broker's
    sockets (docs/security.md), over CZMQ's zcert and zauth.

    Server side (the broker): its certificate (the secret file `sbkeys new`
    writes) made the CURVE server keys of every socket it binds for peers
    (the ROUTER, the tap, the socket-event XPUB), and one zauth actor per
    process that lets in only clients whose public certificate is in a
    directory. zauth re-reads the directory when it changes (CZMQ's
    zcertstore looks at its files' count, sizes and times at each
    handshake): adding or removing a file takes effect at the next
    connection, with no restart.

    Client side (every program that connects to a broker): two variables
    of the environment, the same in every program and fleet file:
        SB_CURVE_CERT     this program's certificate (the _secret file)
        SB_CURVE_SERVER   the brokers' public key: Z85 text (40 chars) or
                          the path of the broker's public certificate
    Both unset: plain TCP. One without the other, or a file that cannot
    be read or holds no key: an error naming the variable and the file.  */

#ifndef SB_CURVE_H_INCLUDED
#define SB_CURVE_H_INCLUDED

#include "sb_classes.h"

#define SB_CURVE_ENV_CERT    "SB_CURVE_CERT"
#define SB_CURVE_ENV_SERVER  "SB_CURVE_SERVER"
#define SB_CURVE_ZAP_DOMAIN  "switchboard"
#define SB_CURVE_KEY_LEN     40   //  a key in Z85

typedef struct _sb_curve_server_t sb_curve_server_t;

//  Loads the server's certificate (certificate: a secret file) and starts
//  a zauth actor allowing the public certificates in the directory
//  clients. At most one per process (zauth binds the process's ZAP
//  endpoint). Returns NULL with the reason in err: a missing or
//  unreadable file, a file without a secret key, a directory that is not
//  one, or a libzmq built without CURVE.
sb_curve_server_t *sb_curve_server_new (const char *certificate, const char *clients,
                                        char *err, size_t errlen);

//  Stops the zauth actor and frees the keys; NULLs the caller's pointer.
//  Safe on NULL. Destroy it after the sockets it secured.
void sb_curve_server_destroy (sb_curve_server_t **self_p);

//  Makes socket a CURVE server with this certificate, authenticated by
//  the zauth actor. Call it before the socket binds; safe from any thread
//  (it only reads the keys).
void sb_curve_server_apply (sb_curve_server_t *self, zsock_t *socket);

//  The server's public key in Z85 (borrowed): what clients give in
//  SB_CURVE_SERVER.
const char *sb_curve_server_public_key (sb_curve_server_t *self);

//  Client side: makes socket a CURVE client from SB_CURVE_CERT and
//  SB_CURVE_SERVER when they are set; leaves it alone (plain TCP) when
//  both are unset. Call it before the socket connects. Returns 0, or -1
//  with the reason in err (then do not connect: the broker would refuse).
int sb_curve_client_apply (zsock_t *socket, char *err, size_t errlen);

//  Checks SB_CURVE_CERT and SB_CURVE_SERVER as sb_curve_client_apply
//  would use them, without a socket: for a program's start, so a bad
//  setting ends it at once (exit 78) instead of at its first connection.
//  Returns 0 (CURVE on or off), or -1 with the reason.
int sb_curve_client_check (char *err, size_t errlen);

//  Loads a certificate file (zcert's ZPL: the public file, or the
//  _secret file with both keys); need_secret refuses a file without a
//  secret key. Returns a new zcert_t the caller destroys, or NULL with
//  "what path: reason" in err.
zcert_t *sb_curve_cert_load (const char *what, const char *path, bool need_secret, char *err,
                             size_t errlen);

#endif
