# shellcheck shell=bash disable=SC2317,SC2034
# (functions here are called indirectly; MX_WORK is read by the engine)
# git: a shell job (init, add, commit, log, diff, status) learned on 20
# files; then 1,000 files (50x), another mix (branch, merge, tag, gc,
# log --stat), stdout on a terminal, another LANG/TZ, git stash (git
# polls its children's pipes), and (known failing by decision) git grep
# (PCRE2's JIT maps executable memory); attacked by the
# agent (in git) opening a socket it never opened.  GIT_PAGER=cat: a
# terminal would otherwise start less, another program.
mx_prog_git() {
	local sh git
	git=$(command -v git) || { diag "git not installed"; return 1; }
	sh=$(command -v dash) || sh=/bin/sh
	mx_begin git git
	cat >"$MXD/job.sh" <<-'JOB'
	# job.sh DIR FILES MIX
	set -e
	cd "$1"
	git init -q -b main repo
	cd repo
	i=0
	while [ $i -lt "$2" ]; do echo "file $i" >"f$i.txt"; i=$((i + 1)); done
	git add -A
	git commit -qm one
	echo changed >>f0.txt
	git commit -qam two
	if [ "$3" = mix ]; then
		git checkout -qb topic
		echo topic >>f1.txt
		git commit -qam topic
		git checkout -q main
		git merge -q --no-edit topic
		git tag -a v1 -m v1
		git gc -q
		# no pipe into tail: a variation must run the programs
		# learning ran, and tail never ran there (its kill judged the
		# row, not git); head stopping early seeks its input back,
		# which the plain job's head never did
		git log --stat --oneline -n 3
	fi
	if [ "$3" = stash ]; then
		echo stashed >>f1.txt
		git stash -q
		git stash pop -q
		git commit -qam stash
	fi
	if [ "$3" = grep ]; then
		git grep -c "file 1" >/dev/null
	fi
	git log --oneline | head -n 5
	git diff HEAD~1 --stat
	git status --short
	echo "git: $(git ls-files | wc -l) files"
	JOB
	_mx_git() { # TAG MODE OUT FILES MIX [ENV...]
		local tag=$1 mode=$2 out=$3 files=$4 mix=$5
		shift 5
		MX_WORK=ok
		rm -rf "$MXD/repo"
		mx_cli "$tag" "$mode" "$out" HOME="$MXD" GIT_CONFIG_NOSYSTEM=1 GIT_PAGER=cat \
			GIT_AUTHOR_NAME=mx GIT_AUTHOR_EMAIL=mx@localhost GIT_COMMITTER_NAME=mx \
			GIT_COMMITTER_EMAIL=mx@localhost "$@" -- "$sh" "$MXD/job.sh" "$MXD" "$files" "$mix"
		[[ $out == null || $MX_RC -ne 0 ]] || grep -aq "git: $files files" "$MXD/$tag.out" || MX_WORK="no 'git: $files files'"
	}
	_mx_git learn learn file 20 plain
	mx_judge_learn learn "learned: 20 files, stdout to a file"
	_mx_git big enforce file 1000 plain
	mx_judge_var big big "1,000 files (50x)"
	_mx_git mix enforce file 20 mix
	mx_judge_var mix mix "another mix: branch, merge, tag, gc, log --stat"
	_mx_git tty enforce tty 20 plain
	mx_judge_var tty tty "stdout on a terminal (pty)"
	_mx_git pipe enforce pipe 20 plain
	mx_judge_var pipe pipe "stdout a pipe"
	_mx_git lang enforce file 20 plain LANG=C.UTF-8 TZ=Australia/Sydney
	mx_judge_var lang lang "LANG=C.UTF-8 TZ=Australia/Sydney"
	_mx_git stash enforce file 20 stash
	mx_judge_var stash stash "git stash, stash pop (git polls its children's pipes)"
	_mx_git grep enforce file 20 grep
	mx_judge_var grep grep "git grep (PCRE2's JIT)"
	_mx_git socket enforce file 20 plain SF_MX_ATTACK=socket
	mx_judge_attack socket agent-socket "attack: the agent in git opens an AF_INET socket"
	mx_end
}
