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
; An update while the program is open: Restart Manager closes it (it saves nothing
; unsaved: every change is committed when made). It is not restarted afterwards.
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
#ifexist AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl"
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
; This compiler has no Languages\ChineseSimplified.isl (copy it there from Inno Setup's
; translations for a Chinese wizard): the wizard pages are in English, our texts Chinese.
Name: "en"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
DeployMissing=找不到 /DEPLOY 指定的部署文件：%1%n%n安装已取消，未做任何更改。
SelfTest=青心 自检
DesktopIcon=在桌面创建“青心”图标
Extra=附加图标：

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; GroupDescription: "{cm:Extra}"; Flags: unchecked

[Dirs]
; Where deploy.toml lives; kept on uninstall (it is the district's, not the program's).
Name: "{commonappdata}\Qingxin"; Flags: uninsneveruninstall

[InstallDelete]
; An update brings a whole new bundle: files of the old one must not linger beside it.
Type: filesandordirs; Name: "{app}\_internal"
; Older bundles had the console companion as qingxin-cli.exe, with its own archive.
Type: files; Name: "{app}\qingxin-cli.exe"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
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

; No [UninstallDelete]: the uninstaller removes what setup installed and nothing else.
; The database, its key slots and backups live in the user's data folder, never in {app}.

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
