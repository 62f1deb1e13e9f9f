/* main.c: runs every lib/ unit test and ends with the `N passed, N failed` line CI reads. */
#include "cli.h"
#include "unit.h"

int unit_pass, unit_fail;

int
main(int argc, char **argv)
{
	ppv_init("unit-tests");
	test_when();
	test_codec();
	test_mac();
	test_urlpath();
	test_json();
	test_csvio();
	test_atomic();
	test_token();
	test_amf();
	test_scte35();
	test_m3u8();
	test_money();
	printf("%d passed, %d failed\n", unit_pass, unit_fail);
	return unit_fail ? 1 : 0;
}
