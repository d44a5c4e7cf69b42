/* The subcommands of `wenshu`; each lives in its own cmd_*.c and returns an exit status (diag.h). */
#ifndef WENSHU_COMMANDS_H
#define WENSHU_COMMANDS_H

int cmd_check(int argc, char **argv);  /* validate records: XSD + campaign rules */
int cmd_merge(int argc, char **argv);  /* template + records -> merged Markdown */
int cmd_render(int argc, char **argv); /* Markdown -> PDF */
int cmd_build(int argc, char **argv);  /* records -> every form as PDF, manifest */
int cmd_verify(int argc, char **argv); /* re-hash an output folder against its manifest */
int cmd_import(int argc, char **argv); /* spreadsheets -> records XML */
int cmd_export(int argc, char **argv); /* records XML -> a workbook (XLSX) */
int cmd_watch(int argc, char **argv);  /* one record's PDF, made again on every save */
int cmd_serve(int argc, char **argv);  /* the local workbench page */

/* Where the shipped data lives: $WENSHU_DATADIR, else next to the binary (a source tree),
 * else the installed prefix. Returns e.g. "/usr/local/share/wenshu". */
const char *cli_datadir(void);
/* The records schema in it: cli_datadir()/schemas/campaign.xsd (records.h takes it as an argument). */
const char *cli_schema_path(void);
/* Where the message catalogues (wenshu.mo) are; see datadir.c. */
const char *cli_localedir(void);

#endif
