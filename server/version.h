// The build's version: CMake's project VERSION, followed by `+<git describe>`
// when the sources were a git checkout at configure time (e.g.
// "0.1.0+544453f-dirty"). Reported by `meshdexd --version`, in the start-up
// log line and by AdminService.GetStats.
#ifndef MESHDEX_SERVER_VERSION_H_
#define MESHDEX_SERVER_VERSION_H_

namespace meshdex::server {

const char* BuildVersion();

}  // namespace meshdex::server

#endif  // MESHDEX_SERVER_VERSION_H_
