/* sheets/ values: Excel serials in both date systems (and the 1900-02-29 that never was), dates
 * written as text, ids stored as numbers, cell names, full-width folding. */
#include <string.h>

#include "tap.h"
#include "sheets/sheets_int.h"

static int serial_is(double serial, int date1904, const char *want)
{
    char out[11] = "";
    int rc = sheets_serial_date(serial, date1904, out);
    return want ? rc == 0 && !strcmp(out, want) : rc != 0;
}

static int date_is(const char *in, const char *want)
{
    char out[11] = "";
    int rc = sheets_parse_date(in, out);
    return want ? rc == 0 && !strcmp(out, want) : rc != 0;
}

int main(void)
{
    CHECK(serial_is(1, 0, "1900-01-01"), "serial 1 is 1900-01-01");
    CHECK(serial_is(59, 0, "1900-02-28"), "serial 59 is 1900-02-28");
    CHECK(serial_is(60, 0, NULL), "serial 60 (Excel's 1900-02-29) is no day");
    CHECK(serial_is(61, 0, "1900-03-01"), "serial 61 is 1900-03-01");
    CHECK(serial_is(38443, 0, "2005-04-01"), "38443 is 2005-04-01");
    CHECK(serial_is(38443.75, 0, "2005-04-01"), "the time of day is dropped");
    CHECK(serial_is(0, 1, "1904-01-01"), "1904 system: 0 is 1904-01-01");
    CHECK(serial_is(38443 - 1462, 1, "2005-04-01"), "1904 system: 1462 days later");
    CHECK(serial_is(2958465, 0, "9999-12-31") && serial_is(2958466, 0, NULL), "the last day Excel knows");
    CHECK(serial_is(-1, 0, NULL), "negative serials are no day");

    CHECK(date_is("2005-03-08", "2005-03-08") && date_is("2005-3-8", "2005-03-08"), "ISO, short ISO");
    CHECK(date_is("2005/3/8", "2005-03-08") && date_is("2005.3.8", "2005-03-08"), "slashes, dots");
    CHECK(date_is("2005年3月8日", "2005-03-08") && date_is("2005年3月8", "2005-03-08"), "年月日");
    CHECK(date_is("20050308", "2005-03-08"), "eight digits");
    CHECK(date_is("2005-03-08 00:00:00", "2005-03-08"), "a time after the date");
    CHECK(date_is("1979.13.40", NULL) && date_is("2005-02-29", NULL) && date_is("2004-02-29", "2004-02-29"), "no such day; leap years");
    CHECK(date_is("2005.3", NULL) && date_is("05-3-8", NULL) && date_is("2005-3-8x", NULL), "incomplete or trailing junk");

    char digits[64];
    CHECK(!sheets_integer_digits("1.2E+17", digits, sizeof digits) && !strcmp(digits, "120000000000000000"), "1.2E+17 as digits");
    CHECK(!sheets_integer_digits("1024", digits, sizeof digits) && !strcmp(digits, "1024"), "an integer stays");
    CHECK(sheets_integer_digits("10.5", digits, sizeof digits) != 0, "a fraction is no id");

    char name[16];
    sheets_cell_name(0, 1, name);
    CHECK(!strcmp(name, "A1"), "A1");
    sheets_cell_name(25, 7, name);
    CHECK(!strcmp(name, "Z7"), "Z7");
    sheets_cell_name(26, 7, name);
    CHECK(!strcmp(name, "AA7"), "AA7");
    sheets_cell_name(16383, 1048576, name);
    CHECK(!strcmp(name, "XFD1048576"), "Excel's last cell");

    char s[64];
    strcpy(s, "\xE3\x80\x80１９７９－０６－０３ ");
    sheets_halfwidth(s);
    CHECK(!strcmp(s, "1979-06-03"), "full-width digits and spaces folded: %s", s);
    strcpy(s, " 办公室，科室\xE3\x80\x80\r\n");
    sheets_trim(s);
    CHECK(!strcmp(s, "办公室，科室"), "text trimmed, full-width comma kept: %s", s);
    return TAP_DONE();
}
