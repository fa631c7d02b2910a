# demo target: appended to PROGS
#
# sfdemo (make demo, scripts/demo.sh): a toy key-value service with
#   libsfstore.so     file I/O (open/write/read/fsync/rename)
#   libsfnet.so       loopback TCP echo (socket/bind/listen/accept4/...)
#   sfdemo_plugin.so  stats plugin loaded with dlopen()
# Plain -O2 -g (not $(CFLAGS)) like tests/progs; RUNPATH $ORIGIN so it runs
# from $(O)/demo.

DEMO_DIR    := $(O)/demo
DEMO_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -D_GNU_SOURCE -MMD -MP
ifeq ($(CI),true)
DEMO_CFLAGS += -Werror
endif

DEMO_LIBS := $(DEMO_DIR)/libsfstore.so $(DEMO_DIR)/libsfnet.so
DEMO_PLUGIN := $(DEMO_DIR)/sfdemo_plugin.so
DEMO_BIN := $(DEMO_DIR)/sfdemo

$(DEMO_DIR)/libsfstore.so: demo/sfstore.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(DEMO_CFLAGS) -fPIC -shared -Wl,-soname,libsfstore.so -o $@ $<

$(DEMO_DIR)/libsfnet.so: demo/sfnet.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(DEMO_CFLAGS) -fPIC -shared -Wl,-soname,libsfnet.so -o $@ $< -pthread

$(DEMO_PLUGIN): demo/sfdemo_plugin.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(DEMO_CFLAGS) -fPIC -shared -Wl,-soname,sfdemo_plugin.so -o $@ $<

$(DEMO_BIN): demo/sfdemo.c $(DEMO_LIBS) | $(DEMO_PLUGIN)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(DEMO_CFLAGS) -o $@ $< -L$(DEMO_DIR) -lsfstore -lsfnet \
		-Wl,-rpath,'$$ORIGIN'

PROGS += $(DEMO_LIBS) $(DEMO_PLUGIN) $(DEMO_BIN)

-include $(DEMO_DIR)/libsfstore.d $(DEMO_DIR)/libsfnet.d \
	$(DEMO_DIR)/sfdemo_plugin.d $(DEMO_DIR)/sfdemo.d

# sfdemo_plugin_evil.so: the stats plugin's "compromised" build for the
# enforce tests (t045): benign unless SFDEMO_EVIL is set; load it with
# `sfdemo --plugin sfdemo_plugin_evil.so`.  It #includes sfdemo_plugin.c.
DEMO_EVIL_PLUGIN := $(DEMO_DIR)/sfdemo_plugin_evil.so

$(DEMO_EVIL_PLUGIN): demo/sfdemo_plugin_evil.c demo/sfdemo_plugin.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(DEMO_CFLAGS) -fPIC -shared -Wl,-soname,sfdemo_plugin_evil.so -o $@ $<

PROGS += $(DEMO_EVIL_PLUGIN)

-include $(DEMO_DIR)/sfdemo_plugin_evil.d
