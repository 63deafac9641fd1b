/*  sbkeys — makes and reads the CURVE certificates of a Switchboard fleet
    (docs/security.md).

        sbkeys new NAME [--dir DIR]   DIR/NAME.key (public, 0644) and
                                      DIR/NAME.key_secret (both keys, 0600);
                                      refuses to overwrite either
        sbkeys public FILE            the public key of a certificate, Z85   */

#include "sb_classes.h"
#include "sb_curve.h"
#include <sys/stat.h>
#include <unistd.h>

#define S_EXIT_USAGE 64      //  sysexits.h EX_USAGE
#define S_EXIT_DATA 65       //  EX_DATAERR: not a certificate
#define S_EXIT_CANTCREAT 73  //  EX_CANTCREAT: exists, or cannot be written
#define S_EXIT_CONFIG 78     //  EX_CONFIG: no CURVE in this libzmq

static void
s_usage (FILE *file)
{
    fprintf (file,
        "Usage: sbkeys COMMAND [ARGS]\n"
        "Makes and reads CURVE certificates for brokers and their clients\n"
        "(docs/security.md).\n\n"
        "Commands:\n"
        "  new NAME [--dir DIR]  make a key pair: DIR/NAME.key, the public\n"
        "                        certificate (give it to the other side: into a\n"
        "                        broker's broker/curve/clients directory, or as the\n"
        "                        clients' SB_CURVE_SERVER), and DIR/NAME.key_secret,\n"
        "                        both keys, mode 0600 (this program's own: the\n"
        "                        broker's broker/curve/certificate, a client's\n"
        "                        SB_CURVE_CERT). DIR defaults to the current\n"
        "                        directory; an existing file is never overwritten.\n"
        "  public FILE           print the public key of certificate FILE in Z85\n"
        "                        (40 characters: a value for SB_CURVE_SERVER)\n\n"
        "Options:\n"
        "  -h, --help            this text\n\n"
        "Exit codes: 0 done; 64 bad command line; 65 FILE is not a certificate;\n"
        "73 a file exists or cannot be written; 78 libzmq without CURVE.\n");
}

//  A certificate's name becomes a file name: letters, digits, - _ . only.
static bool
s_name_ok (const char *name)
{
    if (!*name || *name == '.' || strlen (name) > 100)
        return false;
    for (const char *c = name; *c; c++)
        if (!isalnum ((unsigned char) *c) && *c != '-' && *c != '_' && *c != '.')
            return false;
    return true;
}

//  Writes the pair; the secret file is made under umask 077, so it is
//  never readable by others, not even for a moment.
static int
s_save (zcert_t *cert, const char *public_path, const char *secret_path)
{
    mode_t saved = umask (077);
    int rc = zcert_save (cert, public_path);
    umask (saved);
    if (rc == 0 && chmod (public_path, 0644) == 0 && chmod (secret_path, 0600) == 0)
        return 0;
    fprintf (stderr, "sbkeys: cannot write %s: %s\n", rc? public_path: secret_path,
             strerror (errno));
    return -1;
}

static int
s_new (const char *name, const char *dir)
{
    if (!s_name_ok (name)) {
        fprintf (stderr, "sbkeys: '%s' is not a name (letters, digits, - _ . ; "
                         "at most 100)\n", name);
        return S_EXIT_USAGE;
    }
    char public_path [4096], secret_path [4096];
    if (snprintf (public_path, sizeof public_path, "%s/%s.key", dir, name)
            >= (int) sizeof public_path - 8
    ||  snprintf (secret_path, sizeof secret_path, "%s_secret", public_path)
            >= (int) sizeof secret_path) {
        fprintf (stderr, "sbkeys: %s: path too long\n", dir);
        return S_EXIT_USAGE;
    }
    struct stat info;
    if (stat (dir, &info) || !S_ISDIR (info.st_mode)) {
        fprintf (stderr, "sbkeys: %s: not a directory\n", dir);
        return S_EXIT_CANTCREAT;
    }
    const char *paths [] = { public_path, secret_path };
    for (size_t index = 0; index < 2; index++)
        if (access (paths [index], F_OK) == 0) {
            fprintf (stderr, "sbkeys: %s exists: not overwritten (remove it first to "
                             "make a new pair)\n", paths [index]);
            return S_EXIT_CANTCREAT;
        }
    zcert_t *cert = zcert_new ();
    if (!cert) {
        fprintf (stderr, "sbkeys: cannot make a key pair\n");
        return S_EXIT_CONFIG;
    }
    char *created = zclock_timestr ();
    zcert_set_meta (cert, "name", "%s", name);
    zcert_set_meta (cert, "created", "%s", created? created: "");
    zstr_free (&created);
    int rc = s_save (cert, public_path, secret_path);
    if (rc == 0)
        printf ("%s\n%s\npublic key %s\n", public_path, secret_path, zcert_public_txt (cert));
    zcert_destroy (&cert);
    return rc? S_EXIT_CANTCREAT: 0;
}

static int
s_public (const char *path)
{
    char err [512];
    zcert_t *cert = sb_curve_cert_load ("certificate", path, false, err, sizeof err);
    if (!cert) {
        fprintf (stderr, "sbkeys: %s\n", err);
        return S_EXIT_DATA;
    }
    printf ("%s\n", zcert_public_txt (cert));
    zcert_destroy (&cert);
    return 0;
}

int
main (int argc, char *argv [])
{
    for (int index = 1; index < argc; index++)
        if (streq (argv [index], "-h") || streq (argv [index], "--help")) {
            s_usage (stdout);
            return 0;
        }
    if (!zsys_has_curve ()) {
        fprintf (stderr, "sbkeys: this libzmq was built without CURVE\n");
        return S_EXIT_CONFIG;
    }
    if (argc == 3 && streq (argv [1], "public"))
        return s_public (argv [2]);
    if (argc == 3 && streq (argv [1], "new"))
        return s_new (argv [2], ".");
    if (argc == 5 && streq (argv [1], "new") && streq (argv [3], "--dir"))
        return s_new (argv [2], argv [4]);
    fprintf (stderr, "sbkeys: %s (try --help)\n",
             argc < 2? "no command": "unknown command or wrong arguments");
    return S_EXIT_USAGE;
}
