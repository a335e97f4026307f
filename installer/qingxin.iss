; 青心 Qingxin — Inno Setup script (Inno Setup 6.3 or newer; ISCC.exe on Windows).
;
; Wraps the PyInstaller folder dist\Qingxin (built with build_installer.spec) into one
; setup.exe for district IT. Build, from the repository root:
;
;   pyinstaller --noconfirm build_installer.spec
;   iscc /DAppVersion=0.1.0 installer\qingxin.iss      → dist\installer\Qingxin-Setup-0.1.0.exe
;
; What setup.exe does (docs/DEPLOYMENT.md has the district's view):
; - installs per machine into C:\Program Files\Qingxin (administrator rights);
; - Start-menu folder 青心: the program, a self-test console, uninstall;
; - copies the district's deployment file into C:\ProgramData\Qingxin\deploy.toml from
;   /DEPLOY="path\deploy.toml" on the command line, or else from a deploy.toml lying
;   beside setup.exe (with district_public_key.json if the deploy file names it);
;   without either, an existing deploy.toml there is left as it is;
; - silent: setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART [/DEPLOY=…] [/LOG=…];
; - an update (a newer setup.exe) replaces the program files only; the program migrates
;   the database, after an encrypted backup, the first time it is opened;
; - setup waits (interactive) or stops with exit code 1, changing nothing (silent), while
;   any Qingxin runs on the PC, in any session: both programs hold the mutex AppMutex
;   names (app/app_mutex.py);
; - upgrade order: the new bundle is copied into {app}\staged beside the old one, then
;   swapped in by renames (old → *.old, staged → final, one item at a time); a rename
;   that fails puts every item back, so the old program keeps working and setup ends
;   with exit code 9; only after the whole new bundle is in place is the old one deleted
;   (SwapInStaged below). The old bundle is never deleted before the new one is in place;
; - permissions: {app} and C:\ProgramData\Qingxin are made writable by administrators only
;   (the program trusts a deploy.toml there only if an administrator owns it); with
;   /DATADIR="D:\青心数据" setup creates the teachers' shared data folder and grants the
;   Users group "modify" on it and on what is already in it;
; - uninstall removes the program files only: never the teachers' data folder
;   (%LOCALAPPDATA%\Qingxin, or the data_dir of deploy.toml) nor C:\ProgramData\Qingxin.
;
; This file is UTF-8 with a byte-order mark so that ISCC reads the Chinese text as such.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "青心"
#define AppExe "Qingxin.exe"
; The console companion for IT: a .com beside the .exe so that both load Qingxin.pkg
; (build_installer.spec, share_archive); `qingxin` typed in a console runs it.
#define CliExe "Qingxin.com"
#define DistDir "..\dist\Qingxin"
; Where the new bundle is copied before it is swapped in (SwapInStaged).
#define Staged "staged"

[Setup]
; Never change AppId: it is how an update finds the installed copy.
AppId={{5E0B7C1A-3D4F-4C8E-9A61-2F7D8B3C9E40}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Qingxin
VersionInfoVersion={#AppVersion}
VersionInfoProductName=青心 心理辅导室学生心理档案
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
DefaultDirName={autopf}\Qingxin
DisableDirPage=auto
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\dist\installer
OutputBaseFilename=Qingxin-Setup-{#AppVersion}
SetupIconFile=..\resources\icons\qingxin.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/ultra64
SolidCompression=yes
WizardStyle=modern
; A running Qingxin (any session, GUI or command line) holds these (app/app_mutex.py):
; setup and the uninstaller wait for it to close, or stop in silent mode.
AppMutex=Qingxin.AppMutex,Global\Qingxin.AppMutex
; A Qingxin older than the mutex: Restart Manager closes it (it saves nothing unsaved:
; every change is committed when made). It is not restarted afterwards.
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
; The wizard speaks Chinese or setup.exe is not built: installer\ChineseSimplified.isl
; (Inno Setup's Simplified Chinese translation, shipped beside this script; see
; docs/DEPLOYMENT.md §2), or the same file in the compiler's own Languages folder.
#if FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
Name: "chs"; MessagesFile: "ChineseSimplified.isl"
#elif FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
  #error ChineseSimplified.isl not found: put Inno Setup's Simplified Chinese translation in installer\ (docs/DEPLOYMENT.md section 2)
#endif

[CustomMessages]
DeployMissing=找不到 /DEPLOY 指定的部署文件：%1%n%n安装已取消，未做任何更改。
SwapFailed=无法把新版本放到 %1 中（可能有程序正在使用其中的文件）。%n%n已恢复原来的版本，它仍可正常使用。请关闭所有青心窗口和命令后重新运行安装程序。
SelfTest=青心 自检
DesktopIcon=在桌面创建“青心”图标
Extra=附加图标：

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; GroupDescription: "{cm:Extra}"; Flags: unchecked

[Dirs]
; Where deploy.toml lives; kept on uninstall (it is the district's, not the program's).
Name: "{commonappdata}\Qingxin"; Flags: uninsneveruninstall

[InstallDelete]
; Older bundles had the console companion as qingxin-cli.exe, with its own archive.
; Nothing of the current bundle is deleted here: the new one arrives beside it.
Type: files; Name: "{app}\qingxin-cli.exe"
Type: files; Name: "{app}\qingxin-cli.pkg"
; Left by an update that stopped halfway (a power cut): started again from scratch.
Type: filesandordirs; Name: "{app}\{#Staged}"

[Files]
; The whole new bundle beside the old one; SwapInStaged puts it in place afterwards.
Source: "{#DistDir}\*"; DestDir: "{app}\{#Staged}"; \
  Flags: ignoreversion recursesubdirs createallsubdirs
; The deployment file: /DEPLOY=… wins over a deploy.toml beside setup.exe.
Source: "{code:DeployFile}"; DestDir: "{commonappdata}\Qingxin"; DestName: "deploy.toml"; \
  Flags: external ignoreversion uninsneveruninstall; Check: DeployGiven
Source: "{code:DeployFolder}\district_public_key.json"; DestDir: "{commonappdata}\Qingxin"; \
  Flags: external skipifsourcedoesntexist ignoreversion uninsneveruninstall; Check: DeployGiven
Source: "{src}\deploy.toml"; DestDir: "{commonappdata}\Qingxin"; \
  Flags: external skipifsourcedoesntexist ignoreversion uninsneveruninstall; Check: not DeployGiven
Source: "{src}\district_public_key.json"; DestDir: "{commonappdata}\Qingxin"; \
  Flags: external skipifsourcedoesntexist ignoreversion uninsneveruninstall; Check: not DeployGiven

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\{cm:SelfTest}"; Filename: "{cmd}"; \
  Parameters: "/k ""{app}\{#CliExe}"" self-test --gui"; WorkingDir: "{app}"; \
  IconFilename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; \
  Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; \
  Flags: nowait postinstall skipifsilent

[UninstallDelete]
; The bundle was installed under {app}\staged and renamed into place, so the uninstall
; log does not know its final names: they are listed here. Nothing else is removed; the
; database, its key slots and backups live in the data folder, never in {app}.
Type: filesandordirs; Name: "{app}\_internal"
Type: files; Name: "{app}\Qingxin.exe"
Type: files; Name: "{app}\Qingxin.com"
Type: files; Name: "{app}\Qingxin.pkg"
Type: filesandordirs; Name: "{app}\{#Staged}"
Type: dirifempty; Name: "{app}"

[Code]
function DeployParam(): String;
begin
  Result := ExpandConstant('{param:DEPLOY|}');
end;

function DeployGiven(): Boolean;
begin
  Result := DeployParam() <> '';
end;

function DeployFile(Param: String): String;
begin
  Result := ExpandFileName(DeployParam());
end;

function DeployFolder(Param: String): String;
begin
  Result := ExtractFileDir(DeployFile(''));
end;

var
  SwapFailed: Boolean;

// The four items of a bundle, swapped in this order (the executables last).
function BundleItem(I: Integer): String;
begin
  case I of
    0: Result := '_internal';
    1: Result := 'Qingxin.pkg';
    2: Result := '{#CliExe}';
  else
    Result := '{#AppExe}';
  end;
end;

// A rename that an antivirus scanning the fresh files blocks for a moment is tried
// again, ten times over two seconds (as app/winfaults.py does in the program).
function RenameRetrying(Source, Dest: String): Boolean;
var
  Attempt: Integer;
begin
  Result := RenameFile(Source, Dest);
  Attempt := 1;
  while not Result and (Attempt < 10) do
  begin
    Sleep(200);
    Result := RenameFile(Source, Dest);
    Attempt := Attempt + 1;
  end;
end;

procedure RemoveItem(Path: String);
begin
  if DirExists(Path) then
    DelTree(Path, True, True, True)
  else if FileExists(Path) then
    DeleteFile(Path);
end;

// Undo the swap of items 0 .. Done-1: each new item back into staged, each old one back
// from *.old. Whatever happened, the old bundle is whole again.
procedure RollBack(App: String; Done: Integer);
var
  I: Integer;
  Item: String;
begin
  for I := Done - 1 downto 0 do
  begin
    Item := App + '\' + BundleItem(I);
    if FileOrDirExists(Item) and FileOrDirExists(Item + '.old') then
      RenameRetrying(Item, App + '\{#Staged}\' + BundleItem(I));
    if FileOrDirExists(Item + '.old') then
      RenameRetrying(Item + '.old', Item);
  end;
end;

// The new bundle, complete in {app}\staged, replaces the old one item by item with
// renames in one folder; the old one is deleted only when all four are in place.
procedure SwapInStaged();
var
  App, Item: String;
  I: Integer;
begin
  App := ExpandConstant('{app}');
  for I := 0 to 3 do
  begin
    Item := App + '\' + BundleItem(I);
    RemoveItem(Item + '.old');
    if FileOrDirExists(Item) and not RenameRetrying(Item, Item + '.old') then
    begin
      Log('Cannot move aside ' + Item);
      RollBack(App, I);
      SwapFailed := True;
      Exit;
    end;
    if not RenameRetrying(App + '\{#Staged}\' + BundleItem(I), Item) then
    begin
      Log('Cannot move into place ' + Item);
      RollBack(App, I + 1);
      SwapFailed := True;
      Exit;
    end;
  end;
  for I := 0 to 3 do
    RemoveItem(App + '\' + BundleItem(I) + '.old');
  RemoveItem(App + '\{#Staged}');
end;

procedure Icacls(Params: String);
var
  Code: Integer;
begin
  if not Exec(ExpandConstant('{sys}\icacls.exe'), Params, '', SW_HIDE,
              ewWaitUntilTerminated, Code) or (Code <> 0) then
    Log('icacls ' + Params + ' failed with ' + IntToStr(Code));
end;

// Administrators and SYSTEM may change it, Users only read and run: a deploy.toml or a
// DLL dropped there by an ordinary user is impossible (/DIR=D:\… inherits D:\'s ACL,
// which lets every user write).
procedure AdminsOnly(Path: String);
begin
  Icacls('"' + Path + '" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F ' +
         '*S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX /C /Q');
end;

// /DATADIR: the shared data folder, made writable by every teacher's account (the
// files teacher A's account made are otherwise read-only for teacher B).
procedure ShareDataFolder();
var
  Dir: String;
begin
  Dir := ExpandConstant('{param:DATADIR|}');
  if Dir = '' then
    Exit;
  if not ForceDirectories(Dir) then
  begin
    Log('Cannot create ' + Dir);
    Exit;
  end;
  Icacls('"' + RemoveBackslashUnlessRoot(Dir) + '" /grant *S-1-5-32-545:(OI)(CI)M /T /C /Q');
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if CurStep = ssPostInstall then
  begin
    SwapInStaged();
    AdminsOnly(ExpandConstant('{app}'));
    AdminsOnly(ExpandConstant('{commonappdata}\Qingxin'));
    ShareDataFolder();
    if SwapFailed then
      SuppressibleMsgBox(FmtMessage(CustomMessage('SwapFailed'), [ExpandConstant('{app}')]),
        mbError, MB_OK, IDOK);
  end;
end;

// 9: the new version could not be put in place; the old one is whole and still runs.
function GetCustomSetupExitCode(): Integer;
begin
  if SwapFailed then
    Result := 9
  else
    Result := 0;
end;

function InitializeSetup(): Boolean;
begin
  Result := True;
  if DeployGiven() and not FileExists(DeployFile('')) then
  begin
    SuppressibleMsgBox(FmtMessage(CustomMessage('DeployMissing'), [DeployFile('')]),
      mbCriticalError, MB_OK, IDOK);
    Result := False;
  end;
end;
