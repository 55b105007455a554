import type { LocalizedText } from './text';
import { emergencyAdvice } from './understanding';

/**
 * What the message path says to owners, in both languages. Polite and specific:
 * every reply tells the owner what happens next. Placeholders: {name} style.
 */
export const conversationTexts = {
  welcome: {
    zh: '您好，这里是{property}。报修、咨询、投诉都可以直接发消息告诉我，也可以点下面的菜单。',
    en: 'Hello, this is {property}. Tell me what you need: report a repair, ask a question or raise a complaint, or use the menu below.',
  },
  welcomeWithBindInvite: {
    zh: '您好，这里是{property}。报修、咨询、投诉都可以直接发消息告诉我，也可以点下面的菜单。\n为更好地为您服务，回复“绑定”即可登记您的房号。',
    en: 'Hello, this is {property}. Tell me what you need: report a repair, ask a question or raise a complaint, or use the menu below.\nTo link your home to this chat, reply "bind".',
  },
  cancelled: {
    zh: '好的，已取消。还有什么可以帮您？',
    en: 'OK, cancelled. What else can we help you with?',
  },
  buttonNotAvailable: {
    zh: '这个选项已失效。如需帮助，请直接发消息告诉我。',
    en: 'That choice is no longer available. Just send me a message if you need anything.',
  },
  etaMinute: { zh: '1分钟', en: '1 minute' },
  etaMinutes: { zh: '{count}分钟', en: '{count} minutes' },
  etaHour: { zh: '1小时', en: '1 hour' },
  etaHours: { zh: '{count}小时', en: '{count} hours' },
  menuPrompt: { zh: '请选择您要办理的事项：', en: 'What can we help you with?' },
  menuRepair: { zh: '报修', en: 'Report a repair' },
  menuQuestion: { zh: '咨询问题', en: 'Ask a question' },
  menuComplaint: { zh: '投诉建议', en: 'Make a complaint' },
  menuMyCases: { zh: '我的工单', en: 'My cases' },
  menuLanguage: { zh: 'English', en: '中文' },
  askRepair: {
    zh: '请描述需要维修的问题和位置（例如：5栋1203 厨房水管漏水），可以附上照片。',
    en: 'Please describe what needs fixing and where (for example: Building 5, 1203, kitchen pipe leaking). Photos help.',
  },
  askQuestion: { zh: '请问您想咨询什么？', en: 'What would you like to know?' },
  askComplaint: {
    zh: '请告诉我们发生了什么，我们会认真记录并由专人跟进。',
    en: 'Please tell us what happened. We will record it carefully and a staff member will follow up.',
  },
  languageSwitched: { zh: '好的，之后我会用中文回复您。', en: 'OK, I will reply in English from now on.' },
  noOpenCases: {
    zh: '您目前没有未完成的工单。如需帮助，直接发消息给我即可。',
    en: 'You have no open cases. Send me a message any time you need help.',
  },
  openCasesHeader: { zh: '您未完成的工单：', en: 'Your open cases:' },
  caseLine: { zh: '{reference}（{status}）：{summary}', en: '{reference} ({status}): {summary}' },
  faqAnswer: {
    zh: '{answer}\n\n如果没有解决您的问题，回复“人工”由客服为您解答。',
    en: '{answer}\n\nIf this does not answer your question, reply "agent" and a staff member will help.',
  },
  questionForwarded: {
    zh: '您的问题已转给客服人员（编号 {reference}），预计 {eta} 内回复您。',
    en: 'Your question has been passed to our staff (case {reference}); expect an answer within {eta}.',
  },
  suggestionThanks: {
    zh: '感谢您的建议！已记录（编号 {reference}），我们会转交相关负责人评估并反馈。',
    en: 'Thank you for the suggestion! It is recorded (case {reference}) and will be reviewed by the team in charge.',
  },
  complaintApology: {
    zh: '非常抱歉给您带来不好的体验。您的反映已登记（编号 {reference}），已立即转给主管处理，{eta} 内会有专人联系您。',
    en: 'We are sorry for this experience. Your complaint is recorded (case {reference}) and has gone straight to a supervisor; someone will contact you within {eta}.',
  },
  workOrderOpened: {
    zh: '已收到您的报修（编号 {reference}）。工作人员将在 {eta} 内与您联系安排处理。',
    en: 'We have received your repair request (case {reference}). A staff member will contact you within {eta} to arrange it.',
  },
  emergencyOpened: {
    zh: '⚠️ 已按紧急情况处理（编号 {reference}），值班人员已收到通知并马上处理。\n如有危险请立即拨打 {emergencyNumber}。{dutyLine}\n{advice}',
    en: '⚠️ This is being handled as an emergency (case {reference}); the duty team has been alerted now.\nIf anyone is in danger, call {emergencyNumber} immediately.{dutyLine}\n{advice}',
  },
  dutyLine: { zh: '物业24小时值班电话：{dutyPhone}。', en: ' Property 24-hour duty line: {dutyPhone}.' },
  clarify: {
    zh: '抱歉，我没有完全理解。请问您是想：',
    en: 'Sorry, I did not quite understand. Would you like to:',
  },
  clarifyRepair: { zh: '报修/请求帮助', en: 'Get something fixed' },
  clarifyQuestion: { zh: '咨询问题', en: 'Ask a question' },
  clarifyComplaint: { zh: '反映不满/投诉', en: 'Make a complaint' },
  handedToHuman: {
    zh: '我帮您转给人工客服（编号 {reference}），工作人员会尽快回复您。',
    en: 'I have passed this to a staff member (case {reference}); they will reply to you shortly.',
  },
  followUpAttached: {
    zh: '已补充到您的工单 {reference}，负责人会一并处理。',
    en: 'Added to your case {reference}; the person handling it will see it.',
  },
  relayedToStaff: {
    zh: '已转告负责您工单 {reference} 的工作人员。',
    en: 'Passed on to the staff member handling your case {reference}.',
  },
  greetingReply: {
    zh: '您好！有什么可以帮您？报修、咨询、投诉都可以直接告诉我。',
    en: 'Hello! How can we help? You can report a repair, ask a question or raise a complaint.',
  },
  thanksReply: { zh: '不客气，很高兴为您服务！', en: 'You are welcome, glad to help!' },
  acknowledgeReply: {
    zh: '好的。如还有需要，随时发消息给我。',
    en: 'OK. Message me any time you need anything else.',
  },
  outOfScope: {
    zh: '这件事可能不在物业服务范围内，我们无法直接处理。如与小区的设施、服务或费用有关，请再具体描述一下；也可以回复“菜单”查看我们能办理的事项。',
    en: 'This may be outside what the property office handles directly. If it concerns the estate’s facilities, services or fees, please tell me a bit more, or reply "menu" to see what we can do.',
  },
  attachmentOnly: {
    zh: '已收到您发送的{kind}。请再用文字简单描述一下问题和位置，方便我们安排。',
    en: 'We received your {kind}. Please add a short description of the problem and where it is, so we can act on it.',
  },
  bindInvite: {
    zh: '为更好地为您服务，回复“绑定”即可登记您的房号。',
    en: 'To link your home to this chat, reply "bind".',
  },
  progressHeader: { zh: '您的工单进度：', en: 'Where your cases stand:' },
  progressLine: {
    zh: '{reference}（{status}{handler}）：{summary}',
    en: '{reference} ({status}{handler}): {summary}',
  },
  progressHandler: { zh: '，{name}负责', en: ', with {name}' },
  stillBrokenReopened: {
    zh: '很抱歉问题还没有解决。已重新打开您的工单 {reference}，原负责人会尽快再来处理，请告诉我们现在的情况。',
    en: 'We are sorry it is still not fixed. Your case {reference} is reopened and goes back to the person who handled it; please tell us how it looks now.',
  },
  somethingWentWrong: {
    zh: '抱歉，系统暂时出了点问题。您的消息已保存，我们会尽快处理。',
    en: 'Sorry, something went wrong on our side. Your message is saved and we will deal with it shortly.',
  },
} satisfies Record<string, LocalizedText>;

/** How owners read a case's status. */
export const caseStatusNames: Record<string, LocalizedText> = {
  new: { zh: '已受理', en: 'received' },
  claimed: { zh: '已派专人', en: 'assigned' },
  in_progress: { zh: '处理中', en: 'in progress' },
  resolved: { zh: '已处理', en: 'resolved' },
  return_visit: { zh: '回访中', en: 'follow-up call' },
  reopened: { zh: '重新处理', en: 'reopened' },
};

/** How owners read what they sent when it was not text. */
export const attachmentNames: Record<string, LocalizedText> = {
  photo: { zh: '图片', en: 'photo' },
  image: { zh: '图片', en: 'photo' },
  video: { zh: '视频', en: 'video' },
  voice: { zh: '语音', en: 'voice message' },
  audio: { zh: '语音', en: 'voice message' },
  document: { zh: '文件', en: 'file' },
  sticker: { zh: '表情', en: 'sticker' },
  location: { zh: '位置', en: 'location' },
};

/** Safety advice shown with an emergency reply, by kind. */
export const safetyAdvice: Record<string, LocalizedText> = {
  fire: {
    zh: '请用湿毛巾捂住口鼻，沿安全通道撤离，不要乘坐电梯。',
    en: 'Cover your nose and mouth with a wet cloth, leave by the stairs and do not use the lift.',
  },
  gas: {
    zh: '请不要开关电器或使用明火，打开门窗通风，关闭燃气总阀并离开房间。',
    en: 'Do not switch anything electrical on or off and no open flames; open the windows, shut the gas valve and leave the room.',
  },
  flood: {
    zh: '如能安全操作，请关闭家中水表总阀，并切断受影响区域的电源，远离积水中的电器。',
    en: 'If it is safe, close your main water valve and switch off power to the affected area; keep away from appliances in water.',
  },
  lift_entrapment: {
    zh: '请保持冷静，按下电梯内的警铃或对讲按钮，不要强行扒门，救援人员马上就到。',
    en: 'Stay calm, press the alarm or intercom button in the lift and do not force the doors; help is on the way.',
  },
  electrical: {
    zh: '请不要触碰冒火花或发烫的插座和电线，如能安全操作请关闭家中电闸总开关。',
    en: 'Do not touch the sparking or hot socket or wires; if it is safe, switch off your main breaker.',
  },
  medical: {
    zh: '请立即拨打120，不要随意搬动病人（除非环境危险），保持呼吸道通畅，等待救援。',
    en: 'Call an ambulance now; do not move the person unless they are in danger, keep their airway clear and wait for help.',
  },
  other: {
    zh: '请先确保自身安全，远离危险区域。',
    en: 'Please make sure you are safe and keep away from the danger.',
  },
  ...emergencyAdvice,
};
